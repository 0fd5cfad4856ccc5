import { render } from 'preact';
import { LocationProvider, Route, Router } from 'preact-iso';
import { TopBar } from './components/top-bar';
import { getLang, setLang } from './i18n';
import './styles.css';
import { AgentView } from './views/agent';
import { HomeView } from './views/home';
import { NotFoundView } from './views/not-found';
import { QaCallView } from './views/qa-call';
import { QaCalibrationView } from './views/qa-calibration';
import { QaListView } from './views/qa-list';
import { QaReportsView } from './views/qa-reports';
import { SupervisorView } from './views/supervisor';

/** The page routes; the server answers each with this app (console/static.ts CONSOLE_PAGES). */
function App() {
  return (
    <LocationProvider>
      <TopBar />
      <Router>
        <Route path="/" component={HomeView} />
        <Route path="/agent/:agentId" component={AgentView} />
        <Route path="/supervisor" component={SupervisorView} />
        <Route path="/qa" component={QaListView} />
        <Route path="/qa/calls/:callId" component={QaCallView} />
        <Route path="/qa/reports" component={QaReportsView} />
        <Route path="/qa/calibration" component={QaCalibrationView} />
        <Route default component={NotFoundView} />
      </Router>
    </LocationProvider>
  );
}

setLang(getLang());
render(<App />, document.getElementById('app')!);
