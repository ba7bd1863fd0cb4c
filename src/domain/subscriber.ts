// Recipients as state (issue 23): who signed up, changed themes or left, when and how. The config's
// recipients stay the editor's list; the store keeps what readers and the operator did to it.

/** How a recipient joined, changed themes or left. */
export type SubscriberHow = 'config' | 'signup' | 'operator' | 'one-click' | 'page' | 'mailto';

export type SubscriberState = 'subscribed' | 'unsubscribed';

export interface SubscriberRecord {
  readonly id: number;
  /** Lowercased. */
  readonly address: string;
  /** Random, the first part of the unsubscribe token; never derived from the address. */
  readonly publicId: string;
  /** Counts re-subscriptions: a token made before the last one is stale. */
  readonly epoch: number;
  /** Who put the address in the store first: the config, a sign-up or the operator. */
  readonly origin: 'config' | 'signup' | 'operator';
  readonly state: SubscriberState;
  /** Chosen themes (a sign-up, a theme change); null: the config's, or every theme. */
  readonly themes: readonly string[] | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** How the last change was made. */
  readonly how: SubscriberHow;
}

/** A sign-up waiting for its confirmation link to be followed. */
export interface SignupRequest {
  readonly id: string;
  readonly address: string;
  readonly themes: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly confirmedAt: string | null;
}

/** What the unsubscribe, theme and sign-up pages read and write (the store's subscriber repository). */
export interface SubscriberBook {
  byPublicId(publicId: string): SubscriberRecord | null;
  /** False when the recipient had already left (nothing changes). */
  unsubscribe(id: number, how: SubscriberHow, now: string): boolean;
  setThemes(id: number, themes: readonly string[], how: SubscriberHow, now: string): void;
  addSignupRequest(request: SignupRequest): void;
  signupRequest(id: string): SignupRequest | null;
  /** Sign-up requests for this address made at or after `since`. */
  countSignupRequests(address: string, since: string): number;
  /** Marks the request confirmed and subscribes its address with its themes (a new epoch if it had left). */
  confirmSignup(id: string, now: string): SubscriberRecord;
}
