/**
 * A clock for `CleanRoomsMlEmulator.start({ clock })` that moves only when a
 * test says: statuses (CREATE_PENDING → ACTIVE, ...) then change exactly when
 * the test advances it, whatever the machine's speed.
 */
export class ManualClock {
  /** The current time, in milliseconds since the epoch. */
  public millis: number;

  /** @param start where the clock starts, in milliseconds since the epoch (default 2025-03-01T12:00:00Z) */
  constructor(start = Date.parse('2025-03-01T12:00:00Z')) {
    this.millis = start;
  }

  /** The emulator's `clock` option. */
  public readonly now = (): number => this.millis;

  public advance(milliseconds: number): void {
    this.millis += milliseconds;
  }
}
