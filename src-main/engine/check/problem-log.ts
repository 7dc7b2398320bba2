/**
 * Collects the problems of one check. The lists are capped: a repository whose index file is lost can have
 * millions of dangling references, and the report must stay small enough to print and to send over IPC; what is
 * left out is counted.
 */
import type { CheckProblem } from './check-types';

export const maxListedProblems = 10_000;

export class ProblemLog {
  readonly errors: CheckProblem[] = [];
  readonly warnings: CheckProblem[] = [];
  omittedErrors = 0;
  omittedWarnings = 0;

  constructor(private readonly cap = maxListedProblems) {}

  error(problem: CheckProblem): void {
    if (this.errors.length < this.cap) this.errors.push(problem);
    else this.omittedErrors++;
  }

  warning(problem: CheckProblem): void {
    if (this.warnings.length < this.cap) this.warnings.push(problem);
    else this.omittedWarnings++;
  }

  get errorCount(): number {
    return this.errors.length + this.omittedErrors;
  }
}
