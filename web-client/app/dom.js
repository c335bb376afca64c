// Small DOM helpers: the pages build plain elements, no framework.

/**
 * h('button', { type: 'submit', onclick }, 'Save'): attributes starting with
 * "on" become listeners, `dataset` sets data-* attributes, children may be
 * strings, nodes, arrays or null.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name === 'className') element.className = value;
    else if (name === 'value') element.value = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/** A labelled input: the label names it for screen readers and tests alike. */
export function field(label, attributes = {}) {
  const id = attributes.id ?? `field-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${Math.random().toString(36).slice(2, 7)}`;
  const control = attributes.options
    ? h(
        'select',
        { ...attributes, id, options: undefined },
        attributes.options.map(([value, text]) => h('option', { value }, text)),
      )
    : h('input', { type: 'text', ...attributes, id });
  return h('div', { className: 'field' }, h('label', { for: id }, label), control);
}

/** The value of the form control with this name. */
export function inputValue(form, name) {
  return form.elements.namedItem(name)?.value?.trim() ?? '';
}

/** A status line a screen reader announces (role=status) or, for problems, role=alert. */
export function message(text, kind = 'info') {
  return h('p', { className: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function formatMoney(money) {
  return money ? `${money.amount} ${money.currencyCode}` : '';
}

export function formatTime(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

/** Turns userErrors into one readable line, or null when there are none. */
export function userErrorText(userErrors) {
  if (!userErrors?.length) return null;
  return userErrors.map((error) => `${error.message}${error.code ? ` (${error.code})` : ''}`).join('; ');
}

/** Marks an element changed: CSS plays a short highlight. Restarted when it changes again. */
export function flash(element) {
  element.classList.remove('flash');
  void element.offsetWidth;
  element.classList.add('flash');
}

/** Runs an async form action, showing its outcome in `output` and disabling the button meanwhile. */
export async function act(form, output, action) {
  const button = form.querySelector('button[type="submit"]');
  if (button) button.disabled = true;
  output.replaceChildren();
  try {
    const result = await action();
    if (result) output.replaceChildren(result);
  } catch (error) {
    output.replaceChildren(message(error.message, 'error'));
  } finally {
    if (button) button.disabled = false;
  }
}
