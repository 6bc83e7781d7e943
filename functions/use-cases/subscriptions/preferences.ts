import type { NewsletterConfig } from '../../core/config.js';
import { redactEmail, type Subscriber } from '../../core/subscriber.js';
import { defaultLog, type SubscriptionDependencies } from './dependencies.js';
import { subscriberForToken, type LinkFailure } from './links.js';

interface PreferenceChoice {
  newsletterId: string;
  title: string;
  subscribed: boolean;
}

export type PreferencesResult = { ok: true; newsletter: NewsletterConfig; redactedEmail: string; choices: PreferenceChoice[] } | LinkFailure;

export type UpdatePreferencesResult = PreferencesResult | { ok: false; reason: 'unknown-newsletter' };

/** Which newsletters the address behind a preferences link receives. */
export async function getPreferences(deps: SubscriptionDependencies, token: string): Promise<PreferencesResult> {
  const found = await subscriberForToken(deps, token, 'preferences');
  if (!found.ok) return found;
  return preferencesView(deps, found.newsletter, found.subscriber);
}

/**
 * Sets which newsletters the address receives. Joining another newsletter here needs no second
 * confirmation: the link arrived at this address, which is the proof double opt-in asks for.
 */
export async function updatePreferences(deps: SubscriptionDependencies, token: string, wanted: readonly string[]): Promise<UpdatePreferencesResult> {
  const log = deps.log ?? defaultLog;
  if (wanted.some((id) => !deps.newsletters.some((n) => n.id === id))) return { ok: false, reason: 'unknown-newsletter' };
  const found = await subscriberForToken(deps, token, 'preferences');
  if (!found.ok) return found;
  const { subscriber } = found;
  const at = deps.clock.now().toISOString();
  for (const newsletter of deps.newsletters) {
    const record = newsletter.id === subscriber.newsletterId ? subscriber : await deps.subscribers.get(newsletter.id, subscriber.id);
    const fields = { newsletter: newsletter.id, subscriber: subscriber.id };
    if (wanted.includes(newsletter.id)) {
      if (record?.status === 'confirmed') continue;
      const consent = { at, source: 'preferences page' };
      if (record) await deps.subscribers.update(newsletter.id, subscriber.id, { status: 'confirmed', confirmedAt: at, unsubscribedAt: undefined, consent });
      else
        await deps.subscribers.put({
          id: subscriber.id,
          newsletterId: newsletter.id,
          email: subscriber.email,
          status: 'confirmed',
          createdAt: at,
          confirmedAt: at,
          consent,
        });
      log('preferences.subscribed', fields);
    } else if (record && record.status !== 'unsubscribed') {
      await deps.subscribers.update(newsletter.id, subscriber.id, { status: 'unsubscribed', unsubscribedAt: at });
      log('preferences.unsubscribed', fields);
    }
  }
  const updated = (await deps.subscribers.get(found.newsletter.id, subscriber.id)) ?? subscriber;
  return preferencesView(deps, found.newsletter, updated);
}

async function preferencesView(deps: SubscriptionDependencies, newsletter: NewsletterConfig, subscriber: Subscriber): Promise<PreferencesResult> {
  const choices: PreferenceChoice[] = [];
  for (const n of deps.newsletters) {
    const record = n.id === subscriber.newsletterId ? subscriber : await deps.subscribers.get(n.id, subscriber.id);
    choices.push({ newsletterId: n.id, title: n.title, subscribed: record?.status === 'confirmed' });
  }
  return { ok: true, newsletter, redactedEmail: redactEmail(subscriber.email), choices };
}
