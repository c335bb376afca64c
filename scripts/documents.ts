import { CommandRefusal, runDocumentsCommand } from './documents-command.ts';

// `npm run documents -- publish|check ...` (scripts/documents-command.ts says what each does).
try {
  await runDocumentsCommand(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof CommandRefusal)) throw error;
  process.stderr.write(`documents: ${error.message}\n`);
  process.exitCode = error.exitCode;
}
