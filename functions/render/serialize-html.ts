/**
 * HTML serialisation of a parsed document (linkedom's) that escapes every text and attribute
 * value, after the HTML standard's fragment serialisation algorithm. linkedom's own `outerHTML`
 * writes the text of `<title>` and `<textarea>` unescaped: a stored `&lt;/title&gt;&lt;meta …&gt;`
 * (a feed title, escaped when the edition was rendered) would come out as a live `</title><meta …>`.
 */

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const COMMENT_NODE = 8;
const DOCUMENT_NODE = 9;
const DOCUMENT_TYPE_NODE = 10;
const DOCUMENT_FRAGMENT_NODE = 11;

/** Elements that have no end tag and no content (HTML standard, "void elements", plus legacy ones). */
const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'basefont',
  'bgsound',
  'br',
  'col',
  'embed',
  'frame',
  'hr',
  'img',
  'input',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);

/**
 * The elements whose text is written as it is. The standard lists more (xmp, iframe, noembed,
 * noframes, plaintext, noscript), but linkedom's parser reads their content as markup and decodes
 * its references, so writing that text raw would turn `&lt;` back into `<`. Only script and style
 * are read raw by both the parser and a browser; for every other element, escaped text is always
 * text, whatever the element.
 */
const RAW_TEXT_ELEMENTS = new Set(['script', 'style']);

/**
 * The markup of a node and its descendants: text escaped (`&`, no-break space, `<`, `>`), attribute
 * values escaped and double-quoted, comments and the doctype as they are.
 *
 * @example
 * const { document } = parseHTML(stored);
 * const html = `<!doctype html>\n${serializeHtml(document.documentElement)}`;
 */
export function serializeHtml(node: Node): string {
  const out: string[] = [];
  write(node, out);
  return out.join('');
}

function write(node: Node, out: string[]): void {
  switch (node.nodeType) {
    case ELEMENT_NODE: {
      const element = node as Element;
      const name = element.localName;
      out.push('<', name);
      for (const attribute of Array.from(element.attributes)) out.push(' ', attribute.name, '="', escapeAttribute(attribute.value), '"');
      out.push('>');
      if (VOID_ELEMENTS.has(name)) return;
      for (const child of Array.from(element.childNodes)) write(child, out);
      out.push('</', name, '>');
      return;
    }
    case TEXT_NODE: {
      const text = (node as Text).data;
      const parent = node.parentNode as Element | null;
      const parentName = parent?.nodeType === ELEMENT_NODE ? parent.localName : '';
      out.push(RAW_TEXT_ELEMENTS.has(parentName) ? rawText(text, parentName) : escapeText(text));
      return;
    }
    case COMMENT_NODE:
      // MJML's Outlook blocks live in comments (`<!--[if mso | IE]>…<![endif]-->`): kept as they are.
      out.push('<!--', (node as Comment).data, '-->');
      return;
    case DOCUMENT_TYPE_NODE:
      out.push('<!DOCTYPE ', (node as DocumentType).name, '>');
      return;
    case DOCUMENT_NODE:
    case DOCUMENT_FRAGMENT_NODE:
      for (const child of Array.from(node.childNodes)) write(child, out);
      return;
    default:
      // Processing instructions and CDATA sections are XML's: an HTML parser makes comments of them.
      return;
  }
}

function escapeText(text: string): string {
  return text.replace(/[&\u00a0<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&nbsp;'));
}

function escapeAttribute(value: string): string {
  return value.replace(/[&\u00a0"<>]/g, (c) => (c === '&' ? '&amp;' : c === '"' ? '&quot;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&nbsp;'));
}

/**
 * Script or style text as it is, except that a closing tag of its own element inside it is broken
 * (`<\/style`): the parser cannot have produced one, but nothing written here may end the element early.
 */
function rawText(text: string, element: string): string {
  return text.replace(new RegExp(`<(?=/${element})`, 'gi'), '<\\');
}
