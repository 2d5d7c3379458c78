/**
 * When to try again after a transient failure (docs/architecture.md): the n-th wait of the schedule
 * after the n-th attempt, the last wait repeating; never past the message's expiry, so the
 * last attempt happens right at it. Null when the message has expired: bounce it.
 */
export function nextAttemptAt(attempts: number, createdAt: Date, now: Date, schedule: number[], maxAge: number): Date | null {
  const expiresAt = createdAt.getTime() + maxAge;
  if (now.getTime() >= expiresAt) return null;
  const wait = schedule[Math.min(Math.max(attempts, 1), schedule.length) - 1] ?? 60 * 60_000;
  return new Date(Math.min(now.getTime() + wait, expiresAt));
}
