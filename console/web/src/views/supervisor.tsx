export function SupervisorView() {
  return <main>SupervisorView: being built</main>;
}
