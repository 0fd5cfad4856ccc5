export function QaReportsView() {
  return <main>QaReportsView: being built</main>;
}
