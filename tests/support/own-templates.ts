/**
 * A newsletter's own confirm.mjml, as a publisher would write one: its own words and button, the
 * bundled head, header and footer. Tests of the local dev server, the deployed bundle and the
 * subscription function each write it into a template folder.
 */
export const OWN_CONFIRM = `<mjml lang="{{lang}}">
  {{{head}}}
  <mj-body>
    {{{header}}}
    <mj-section><mj-column>
      <mj-text><p>Hello from the Brand desk: one click and {{newsletter_title}} is yours.</p></mj-text>
      <mj-button href="{{confirm_url}}">Yes, send it to me</mj-button>
    </mj-column></mj-section>
    {{{footer}}}
  </mj-body>
</mjml>`;
