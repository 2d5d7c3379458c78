import { useEffect, useState } from 'react';
import type { HealthReport } from '@mailstead/contracts';

/** The webmail (/mail): replaced by the webmail issue. */
export default function MailApp() {
  const [health, setHealth] = useState<HealthReport | undefined>();
  useEffect(() => {
    fetch('/api/health')
      .then((r) => r.json() as Promise<HealthReport>)
      .then(setHealth, () => setHealth(undefined));
  }, []);
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 640, margin: '4rem auto' }}>
      <h1>Mailstead</h1>
      <p>Webmail and admin console are on their way.</p>
      <p>Server status: {health ? health.status : 'unknown'}</p>
    </main>
  );
}
