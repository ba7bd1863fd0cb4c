// What veille asks of a WebSub hub, each a form POST (application/x-www-form-urlencoded): to
// subscribe or unsubscribe (W3C WebSub §5.1) and to say that a topic changed (hub.mode=publish,
// the convention hubs share; §7 leaves how a publisher notifies its hub open).
import { VeilleError } from '../domain/errors.js';
import { publicUrl } from '../domain/source-url.js';
import type { HttpClient } from '../fetch/http-client.js';

export interface HubRequestOptions {
  readonly client: HttpClient;
  readonly userAgent: string;
  /** The hub's URL came from a feed, not from the config: the address policy applies (SSRF). */
  readonly untrusted: boolean;
  readonly signal?: AbortSignal;
}

export interface SubscriptionRequest {
  readonly mode: 'subscribe' | 'unsubscribe';
  readonly hub: string;
  readonly topic: string;
  readonly callback: string;
  /** Sent with subscribe only (§5.1: hub.secret, hub.lease_seconds). */
  readonly secret?: string;
  readonly leaseSeconds?: number;
}

/** §5.1: the hub answers 202 Accepted when it will verify the request; any 2xx is taken so. */
export async function requestSubscription(request: SubscriptionRequest, options: HubRequestOptions): Promise<void> {
  const form = new URLSearchParams({ 'hub.callback': request.callback, 'hub.mode': request.mode, 'hub.topic': request.topic });
  if (request.mode === 'subscribe') {
    if (request.leaseSeconds !== undefined) form.set('hub.lease_seconds', String(request.leaseSeconds));
    // §5.1: a secret of fewer than 200 bytes, used only over HTTPS in the spec's advice; a hub on
    // plain HTTP still gets it, or no push could ever be checked.
    if (request.secret !== undefined) form.set('hub.secret', request.secret);
  }
  await postForm(request.hub, form, options, `${request.mode} to ${publicUrl(request.topic)}`);
}

/** Tells the hub `topic` changed: hub.mode=publish and hub.url (as PubSubHubbub 0.4 hubs and WebSub hubs take it). */
export async function pingHub(hub: string, topic: string, options: HubRequestOptions): Promise<void> {
  await postForm(hub, new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }), options, `publish of ${topic}`);
}

async function postForm(hub: string, form: URLSearchParams, options: HubRequestOptions, what: string): Promise<void> {
  let status: number;
  try {
    const response = await options.client.request({
      url: hub,
      method: 'POST',
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': options.userAgent },
      untrusted: options.untrusted,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    status = response.status;
    // The body says nothing veille needs: not read (a hub cannot make veille hold it); destroying
    // it aborts the request, which the stream reports as an error that is no failure here.
    response.body.on('error', () => undefined);
    response.body.destroy();
  } catch (cause) {
    throw new VeilleError('WEBSUB_HUB_FAILED', `websub: hub ${publicUrl(hub)}: ${what}: ${(cause as Error).message}`, { cause });
  }
  if (status < 200 || status > 299) {
    throw new VeilleError('WEBSUB_HUB_FAILED', `websub: hub ${publicUrl(hub)}: ${what}: HTTP ${status}`);
  }
}
