import { type FormEvent, type ReactNode, type SelectHTMLAttributes, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { Message, type UserError, userErrorText } from './forms.tsx';

/** What a form's action ended with: a confirmation, or a problem to show as an alert. */
export interface Outcome {
  kind: 'info' | 'error';
  text: string;
}

/** The API's refusal as an error outcome, or null when it accepted the input. */
export function refusal(userErrors: readonly UserError[] | null | undefined): Outcome | null {
  const text = userErrorText(userErrors);
  return text ? { kind: 'error', text } : null;
}

/**
 * A form's action: runs `work`, shows what it ended with (a network or GraphQL failure as an alert too), and says
 * when it is busy so the button can wait. One copy for every back-office form rather than one per form.
 */
export function useAction() {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  async function run(work: () => Promise<Outcome | null>): Promise<void> {
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome(await work());
    } catch (error) {
      setOutcome({ kind: 'error', text: t('failed', { message: (error as Error).message }) });
    } finally {
      setBusy(false);
    }
  }
  const message: ReactNode = outcome ? <Message kind={outcome.kind}>{outcome.text}</Message> : null;
  return { busy, run, message, show: setOutcome };
}

/**
 * A titled form whose submission runs `work` with the form (see useAction): the heading names the form, the submit
 * button waits while it runs, and what it ended with shows under the button. `work` may return an error outcome
 * without calling the API when the input is wrong in a way the browser cannot check.
 */
export function ActionForm({
  id,
  title,
  heading: Heading = 'h2',
  submitLabel,
  work,
  children,
}: {
  id?: string;
  title: string;
  heading?: 'h2' | 'h3';
  submitLabel: string;
  work: (form: HTMLFormElement) => Promise<Outcome | null>;
  children: ReactNode;
}) {
  const action = useAction();
  const headingId = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    void action.run(() => work(form));
  }
  return (
    <form id={id} aria-labelledby={headingId} onSubmit={submit}>
      <Heading id={headingId}>{title}</Heading>
      {children}
      <button type="submit" disabled={action.busy}>
        {submitLabel}
      </button>
      {action.message}
    </form>
  );
}

/** Sub-tabs of a back-office section: links to routes under the section's own path, so each page stays short. */
export function SubTabs({ label, tabs }: { label: string; tabs: readonly { to: string; label: string; end?: boolean }[] }) {
  return (
    <nav aria-label={label} className="sub-tabs">
      {tabs.map((tab) => (
        <NavLink key={tab.to} to={tab.to} end={tab.end}>
          {tab.label}
        </NavLink>
      ))}
    </nav>
  );
}

/** A labelled select of `options` ([value, text] pairs), with an empty first choice when `placeholder` is given. */
export function SelectField({
  label,
  options,
  placeholder,
  ...select
}: { label: string; options: readonly (readonly [string, string])[]; placeholder?: string } & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select {...select} id={id}>
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}
