// A real SMTP server on 127.0.0.1 (npm smtp-server) for the email tests: records every message it
// accepts, and answers a recipient with an error code when the test says so.
import { SMTPServer } from 'smtp-server';

export interface ReceivedMessage {
  readonly to: string[];
  readonly raw: Buffer;
}

export interface TestSmtpServer {
  readonly port: number;
  readonly received: ReceivedMessage[];
  /** The recipients of every accepted message, in order. */
  recipients(): string[];
  /** Error for RCPT TO of an address (e.g. 550, 451), or null to accept it. */
  reply: (address: string) => { code: number; message: string } | null;
  /** Awaited before RCPT TO of each address is answered (a test may kill the client there). */
  beforeRcpt: (address: string) => Promise<void> | void;
  /** Called after each accepted message. */
  onMessage: (message: ReceivedMessage) => void;
  close(): Promise<void>;
}

export const SMTP_USER = 'veille';
export const SMTP_PASSWORD = 'secret-mot-de-passe';

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const state: TestSmtpServer = {
    port: 0,
    received: [],
    recipients: () => state.received.flatMap((message) => message.to),
    reply: () => null,
    beforeRcpt: () => undefined,
    onMessage: () => undefined,
    close: async () => undefined,
  };
  const server = new SMTPServer({
    // Plain SMTP on loopback: STARTTLS would need a certificate (veille's requireTls is off in these tests).
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      void Promise.resolve(state.beforeRcpt(address.address.toLowerCase())).then(() => {
        const error = state.reply(address.address.toLowerCase());
        if (error) callback(Object.assign(new Error(error.message), { responseCode: error.code }));
        else callback();
      });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const message = { to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()), raw: Buffer.concat(chunks) };
        state.received.push(message);
        callback();
        state.onMessage(message);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  return Object.assign(state, {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
