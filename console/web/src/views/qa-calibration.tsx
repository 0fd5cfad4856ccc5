export function QaCalibrationView() {
  return <main>QaCalibrationView: being built</main>;
}
