export function AgentView() {
  return <main>AgentView: being built</main>;
}
