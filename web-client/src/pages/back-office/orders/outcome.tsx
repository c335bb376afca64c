import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Message, type UserError, userErrorText } from '../../../components/forms.tsx';

export interface Outcome {
  kind: 'info' | 'error';
  text: string;
}

/**
 * Runs one back-office mutation and keeps what to tell the user: its userErrors, the failure, or `done`'s words
 * (a function when they depend on the answer).
 * `busy` disables the form meanwhile so a double click sends nothing twice.
 */
export function useOutcome() {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  async function run(send: () => Promise<readonly UserError[] | null | undefined>, done: string | (() => string)): Promise<boolean> {
    setBusy(true);
    setOutcome(null);
    try {
      const problem = userErrorText(await send());
      setOutcome(problem ? { kind: 'error', text: problem } : { kind: 'info', text: typeof done === 'string' ? done : done() });
      return !problem;
    } catch (error) {
      setOutcome({ kind: 'error', text: t('failed', { message: (error as Error).message }) });
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { outcome, busy, run, clear: () => setOutcome(null) };
}

export function OutcomeMessage({ outcome }: { outcome: Outcome | null }) {
  return outcome ? <Message kind={outcome.kind}>{outcome.text}</Message> : null;
}
