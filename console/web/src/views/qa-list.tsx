export function QaListView() {
  return <main>QaListView: being built</main>;
}
