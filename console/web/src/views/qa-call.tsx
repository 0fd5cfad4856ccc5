export function QaCallView() {
  return <main>QaCallView: being built</main>;
}
