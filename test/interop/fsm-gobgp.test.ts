// Our @bgp/fsm Session against gobgp (the shared suite is in fsm-suite.ts).
import { describeFsmInterop } from './fsm-suite.js';

describeFsmInterop('gobgp', { gtsm: true });
