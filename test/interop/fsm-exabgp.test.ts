// Our @bgp/fsm Session against exabgp (the shared suite is in fsm-suite.ts).
import { describeFsmInterop } from './fsm-suite.js';

describeFsmInterop('exabgp');
