/**
 * Runs async tasks one after another, in the order they were queued. The helper's state files are read, changed
 * and written back by each update; two updates running at once would each write their own change over the other's.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // The tail only orders the tasks: each caller gets its own outcome, failures included, through `result`, and a
    // failed task must not stop the ones queued after it.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
