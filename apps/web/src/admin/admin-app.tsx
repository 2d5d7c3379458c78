/** The admin console (/admin): replaced by the admin console issue. */
export default function AdminApp() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 640, margin: '4rem auto' }}>
      <h1>Mailstead admin</h1>
      <p>The admin console is on its way.</p>
    </main>
  );
}
