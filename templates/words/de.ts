import { localeDate } from './dates.js';
import type { LanguageWords } from './types.js';

export const words: LanguageWords = {
  template: {
    greeting: 'Hallo! Hier sind die wichtigsten Punkte dieser Ausgabe.',
    keyPoints: 'Das Wichtigste',
    readMore: 'Weiterlesen',
    viewOnline: 'Im Browser ansehen',
    whyYouGetThis: (title) => `Sie erhalten diese E-Mail, weil Sie ${title} abonniert haben.`,
    countsOpensAndClicks:
      'Dieser Newsletter zählt über ein Bild und seine Links, wie oft jede Ausgabe geöffnet und ihre Links geklickt werden; dabei wird weder Name noch Adresse gespeichert.',
    unsubscribe: 'Abmelden',
    preferences: 'Einstellungen verwalten',
    labelSeparator: ': ',
    formatDate: localeDate('de'),
    fontFamily: '-apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif',
    confirm: {
      subject: (title) => `Bitte bestätigen Sie Ihr Abonnement von ${title}`,
      body: (title) =>
        `Danke, dass Sie ${title} abonnieren möchten. Bitte bestätigen Sie Ihre E-Mail-Adresse mit der Schaltfläche unten; vorher senden wir Ihnen nichts.`,
      textBody: (title) =>
        `Danke, dass Sie ${title} abonnieren möchten. Bitte bestätigen Sie Ihre E-Mail-Adresse über den Link unten; vorher senden wir Ihnen nichts.`,
      button: 'Abonnement bestätigen',
      fallback: 'Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:',
      ignore: 'Wenn Sie sich nicht angemeldet haben, ignorieren Sie diese E-Mail einfach; Sie hören dann nichts mehr von uns.',
      whyYouGetThis: (title) => `Sie erhalten diese E-Mail, weil jemand diese Adresse für ${title} angemeldet hat.`,
    },
    erase: {
      subject: (title) => `Bitte bestätigen Sie die Löschung Ihrer Daten bei ${title}`,
      body: (title) =>
        `Auf der Einstellungsseite von ${title} wurde verlangt, alles zu löschen, was wir zu dieser Adresse gespeichert haben, und jedes Abonnement zu beenden. Bitte bestätigen Sie das mit der Schaltfläche unten; vorher wird nichts gelöscht. Der Link gilt 24 Stunden.`,
      textBody: (title) =>
        `Auf der Einstellungsseite von ${title} wurde verlangt, alles zu löschen, was wir zu dieser Adresse gespeichert haben, und jedes Abonnement zu beenden. Bitte bestätigen Sie das über den Link unten; vorher wird nichts gelöscht. Der Link gilt 24 Stunden.`,
      button: 'Alle meine Daten löschen',
      fallback: 'Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:',
      ignore: 'Wenn Sie das nicht verlangt haben, ignorieren Sie diese E-Mail; Ihr Abonnement bleibt, wie es ist.',
      whyYouGetThis: (title) => `Sie erhalten diese E-Mail, weil jemand verlangt hat, diese Adresse bei ${title} zu löschen.`,
    },
    welcome: {
      subject: (title) => `Willkommen bei ${title}`,
      body: (title) => `Sie haben ${title} jetzt abonniert. Jede Ausgabe bringt Ihnen das Wichtigste aus neuen Artikeln.`,
      latestEdition: 'Die neueste Ausgabe lesen',
    },
  },
  page: {
    subscribeTitle: 'Abonnieren',
    subscribeIntro: 'Das Wichtigste aus neuen Artikeln, mit jeder Ausgabe in Ihrem Postfach.',
    emailLabel: 'E-Mail-Adresse',
    emailHint: 'Wir senden einen Bestätigungslink an diese Adresse.',
    newsletterLabel: 'Newsletter',
    honeypotLabel: 'Dieses Feld bitte leer lassen',
    subscribeButton: 'Abonnieren',
    privacyNote: 'Wir verwenden Ihre Adresse nur für den Newsletter und geben sie nicht weiter. Jede E-Mail enthält einen Link zum Abmelden mit einem Klick.',
    checkInboxTitle: 'Bitte sehen Sie in Ihr Postfach',
    checkInboxBody: (title) =>
      `Wenn diese Adresse E-Mails empfangen kann, haben wir einen Bestätigungslink an sie gesendet. Öffnen Sie ihn, um ${title} zu abonnieren; er gilt 7 Tage.`,
    invalidEmailTitle: 'Bitte prüfen Sie die E-Mail-Adresse',
    invalidEmailBody:
      'Das sieht nicht nach einer gültigen E-Mail-Adresse aus. Bitte prüfen Sie sie und versuchen Sie es erneut, zum Beispiel name@example.com.',
    unknownNewsletterBody: 'Wir konnten den gewählten Newsletter nicht finden. Bitte wählen Sie einen aus der Liste.',
    confirmTitle: 'Abonnement bestätigen',
    confirmBody: (title) => `Drücken Sie die Schaltfläche, um zu bestätigen, dass diese Adresse ${title} abonniert.`,
    confirmButton: 'Abonnement bestätigen',
    confirmedTitle: 'Sie sind angemeldet',
    confirmedBody: (title) => `Danke für Ihre Bestätigung. Sie haben ${title} jetzt abonniert.`,
    latestEditionSentBody: (subject) => `Die neueste Ausgabe, „${subject}“, ist auf dem Weg in Ihr Postfach.`,
    linkExpiredTitle: 'Dieser Link ist abgelaufen',
    confirmExpiredBody: 'Bestätigungslinks gelten 7 Tage. Melden Sie sich erneut an, dann senden wir Ihnen einen neuen.',
    linkInvalidTitle: 'Dieser Link ist ungültig',
    linkInvalidBody:
      'Dieser Link ist ungültig oder wird nicht mehr verwendet; es wurde nichts geändert. Bitte verwenden Sie den vollständigen Link aus der E-Mail.',
    unsubscribeTitle: 'Abmelden',
    unsubscribeBody: (title) => `Möchten Sie ${title} nicht mehr erhalten? Klicken Sie auf die Schaltfläche, um sich abzumelden.`,
    unsubscribeButton: 'Abmelden',
    unsubscribedTitle: 'Sie sind abgemeldet',
    unsubscribedBody: (title) => `Sie haben sich von ${title} abgemeldet und erhalten den Newsletter nicht mehr.`,
    preferencesTitle: 'Abo-Einstellungen',
    preferencesIntro: (email) => `Wählen Sie, welche Newsletter ${email} erhält.`,
    saveButton: 'Einstellungen speichern',
    savedBody: 'Ihre Einstellungen sind gespeichert.',
    eraseTitle: 'Meine Daten löschen',
    eraseBody:
      'Löscht alles, was wir zu dieser Adresse gespeichert haben, und beendet jedes Abonnement. Zuerst senden wir der Adresse einen Link zur Bestätigung; danach behalten wir nur einen nicht umkehrbaren Hash, damit wir ihr nie wieder schreiben.',
    eraseButton: 'Alle meine Daten löschen',
    eraseRequestedBody:
      'Wir haben dieser Adresse einen Link gesendet, mit dem Sie die Löschung bestätigen. Bis Sie ihn öffnen und bestätigen, wird nichts gelöscht; der Link gilt 24 Stunden.',
    eraseConfirmTitle: 'Ihre Daten löschen',
    eraseConfirmBody: (title) =>
      `Drücken Sie die Schaltfläche, um alles zu löschen, was wir zu dieser Adresse gespeichert haben, und jedes Abonnement zu beenden, auch ${title}. Das lässt sich nicht rückgängig machen.`,
    eraseExpiredBody:
      'Löschlinks gelten 24 Stunden; es wurde nichts gelöscht. Fordern Sie über den Einstellungslink in einer beliebigen Ausgabe einen neuen an.',
    erasedTitle: 'Ihre Daten sind gelöscht',
    erasedBody: 'Wir haben alles gelöscht, was wir zu Ihrer Adresse gespeichert hatten, und schreiben ihr nicht mehr.',
    subscribeAgain: 'Erneut abonnieren',
    notFoundTitle: 'Seite nicht gefunden',
    notFoundBody: 'Unter dieser Adresse gibt es keine Seite.',
    tooLargeTitle: 'Zu viele Daten',
    tooLargeBody: 'Das Formular hat mehr Daten gesendet, als wir annehmen. Bitte füllen Sie nur die Formularfelder aus und versuchen Sie es erneut.',
    errorTitle: 'Etwas ist schiefgelaufen',
    errorBody: 'Bei uns ist etwas schiefgelaufen. Bitte versuchen Sie es in ein paar Minuten erneut.',
  },
};
