import { type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes, useId } from 'react';

/** A labelled input: the label names it for screen readers and tests alike. */
export function Field({ label, ...input }: { label: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input type="text" {...input} id={id} />
    </div>
  );
}

/** A labelled multi-line input, three rows unless told. */
export function TextAreaField({ label, ...textarea }: { label: string } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea rows={3} {...textarea} id={id} />
    </div>
  );
}

/** A checkbox with its label around it. */
export function CheckField({ label, ...input }: { label: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <div className="field">
      <label>
        <input type="checkbox" {...input} /> {label}
      </label>
    </div>
  );
}

/** A status line a screen reader announces (role=status) or, for problems, role=alert. */
export function Message({ kind = 'info', children }: { kind?: 'info' | 'error'; children: ReactNode }) {
  return (
    <p className={`message ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}

export interface UserError {
  code?: string | null;
  message: string;
}

/** userErrors as one readable line, or null when there are none. */
export function userErrorText(userErrors: readonly UserError[] | null | undefined): string | null {
  if (!userErrors?.length) return null;
  return userErrors.map((error) => `${error.message}${error.code ? ` (${error.code})` : ''}`).join('; ');
}

/** The value of the named control of a submitted form, trimmed. */
export function formValue(form: HTMLFormElement, name: string): string {
  const value = new FormData(form).get(name);
  return typeof value === 'string' ? value.trim() : '';
}
