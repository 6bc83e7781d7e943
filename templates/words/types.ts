/**
 * The shapes of a language's words. Every value is plain text: the renderer and the page builder
 * escape it, so a translation can never inject markup. Each language file is annotated with
 * `LanguageWords`, so a language that misses a key does not compile.
 */

/** The words of a message with one link to press: the sign-up confirmation, the erase confirmation. */
interface ConfirmWords {
  subject: (newsletterTitle: string) => string;
  body: (newsletterTitle: string) => string;
  /** The body in the plain-text part, which has a link where the HTML has a button. */
  textBody: (newsletterTitle: string) => string;
  button: string;
  /** Introduces the bare confirm link for clients that do not show the button. */
  fallback: string;
  ignore: string;
  whyYouGetThis: (newsletterTitle: string) => string;
}

interface WelcomeWords {
  subject: (newsletterTitle: string) => string;
  body: (newsletterTitle: string) => string;
  latestEdition: string;
}

export interface TemplateWords {
  greeting: string;
  keyPoints: string;
  readMore: string;
  viewOnline: string;
  whyYouGetThis: (newsletterTitle: string) => string;
  /** Said in the footer of a newsletter that counts opens and clicks (`countOpensAndClicks`). */
  countsOpensAndClicks: string;
  unsubscribe: string;
  preferences: string;
  /** Between a label and its value in the text part: `閱讀全文：https://…` or `Read more: https://…`. */
  labelSeparator: string;
  /** Formats an edition date given as YYYY-MM-DD. */
  formatDate: (isoDate: string) => string;
  /** CSS font stack; CJK faces first for Chinese so punctuation and glyph forms match the script. */
  fontFamily: string;
  confirm: ConfirmWords;
  /** The message that asks the address itself to confirm an erasure asked for on its preferences page. */
  erase: ConfirmWords;
  welcome: WelcomeWords;
}

/**
 * Words of the subscription pages (sign-up, confirm, unsubscribe, preferences), per newsletter
 * language. Plain text like the template words: the page builder escapes every value.
 */
export interface PageWords {
  subscribeTitle: string;
  subscribeIntro: string;
  emailLabel: string;
  emailHint: string;
  newsletterLabel: string;
  /** Label of the honeypot field; only robots see it. */
  honeypotLabel: string;
  subscribeButton: string;
  privacyNote: string;
  checkInboxTitle: string;
  checkInboxBody: (newsletterTitle: string) => string;
  invalidEmailTitle: string;
  invalidEmailBody: string;
  unknownNewsletterBody: string;
  /** The page behind a confirm link: a GET shows it, only its button (a POST) confirms. */
  confirmTitle: string;
  confirmBody: (newsletterTitle: string) => string;
  confirmButton: string;
  confirmedTitle: string;
  confirmedBody: (newsletterTitle: string) => string;
  /** On the confirmed page when the latest edition went to the new reader. */
  latestEditionSentBody: (subject: string) => string;
  linkExpiredTitle: string;
  confirmExpiredBody: string;
  linkInvalidTitle: string;
  linkInvalidBody: string;
  unsubscribeTitle: string;
  unsubscribeBody: (newsletterTitle: string) => string;
  unsubscribeButton: string;
  unsubscribedTitle: string;
  unsubscribedBody: (newsletterTitle: string) => string;
  preferencesTitle: string;
  preferencesIntro: (redactedEmail: string) => string;
  saveButton: string;
  savedBody: string;
  eraseTitle: string;
  eraseBody: string;
  eraseButton: string;
  /** After "erase" on the preferences page: a link to confirm is on its way to the address. */
  eraseRequestedBody: string;
  /** The page behind an erase link: a GET shows it, only its button (a POST) erases. */
  eraseConfirmTitle: string;
  eraseConfirmBody: (newsletterTitle: string) => string;
  eraseExpiredBody: string;
  erasedTitle: string;
  erasedBody: string;
  subscribeAgain: string;
  notFoundTitle: string;
  notFoundBody: string;
  tooLargeTitle: string;
  tooLargeBody: string;
  errorTitle: string;
  errorBody: string;
}

/** Everything one language file provides. */
export interface LanguageWords {
  template: TemplateWords;
  page: PageWords;
}
