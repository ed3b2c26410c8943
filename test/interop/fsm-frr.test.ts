// Our @bgp/fsm Session against frr (the shared suite is in fsm-suite.ts).
import { describeFsmInterop } from './fsm-suite.js';

describeFsmInterop('frr', { md5: true, gtsm: true });
