import { render } from 'preact';
import { LocationProvider, Route, Router } from 'preact-iso';
import { TopBar } from './components/top-bar';
import { getLang, setLang } from './i18n';
import { PAGES } from './pages';
import './styles.css';
import { AgentView } from './views/agent';
import { HomeView } from './views/home';
import { NotFoundView } from './views/not-found';
import { QaCallView } from './views/qa-call';
import { QaCalibrationView } from './views/qa-calibration';
import { QaListView } from './views/qa-list';
import { QaReportsView } from './views/qa-reports';
import { SupervisorView } from './views/supervisor';

/** The page routes (pages.ts); the server answers each with this app (console/static.ts). */
function App() {
  return (
    <LocationProvider>
      <TopBar />
      <Router>
        <Route path={PAGES.home} component={HomeView} />
        <Route path={PAGES.agent} component={AgentView} />
        <Route path={PAGES.supervisor} component={SupervisorView} />
        <Route path={PAGES.qaList} component={QaListView} />
        <Route path={PAGES.qaCall} component={QaCallView} />
        <Route path={PAGES.qaReports} component={QaReportsView} />
        <Route path={PAGES.qaCalibration} component={QaCalibrationView} />
        <Route default component={NotFoundView} />
      </Router>
    </LocationProvider>
  );
}

setLang(getLang());
render(<App />, document.getElementById('app')!);
