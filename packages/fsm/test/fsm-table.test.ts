/**
 * Every (state, event) pair of RFC 4271 §8.2.2, as a table: next state, ConnectRetryCounter
 * effect, and the exact actions in order. Action tokens:
 *   sT:<timer>:<s> start, xT:<timer> stop, connect, drop, release, delete, open, ka,
 *   notif:<code>/<subcode>, process.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FSM_CONFIG,
  FSM_EVENT_TYPES,
  FSM_STATES,
  type FsmAction,
  type FsmConfig,
  type FsmEvent,
  type FsmEventType,
  initialAttributes,
  type SessionAttributes,
  type SessionState,
  transition,
} from '../src/index.js';

const ABBR: Record<string, string> = {
  ConnectRetryTimer: 'CR',
  HoldTimer: 'Hold',
  KeepaliveTimer: 'KA',
  DelayOpenTimer: 'DO',
  IdleHoldTimer: 'IH',
};

function fmt(actions: readonly FsmAction[]): string {
  return actions
    .map((a) => {
      switch (a.type) {
        case 'startTimer':
          return `sT:${ABBR[a.timer]}:${a.seconds}`;
        case 'stopTimer':
          return `xT:${ABBR[a.timer]}`;
        case 'connect':
          return 'connect';
        case 'dropConnection':
          return 'drop';
        case 'releaseResources':
          return 'release';
        case 'deleteRoutes':
          return 'delete';
        case 'sendOpen':
          return 'open';
        case 'sendKeepalive':
          return 'ka';
        case 'sendNotification':
          return `notif:${a.notification.code}/${a.notification.subcode}`;
        case 'processMessage':
          return 'process';
        default:
          return 'unknown';
      }
    })
    .join(' ');
}

const n = (code: number, subcode: number) => ({ code, subcode, data: new Uint8Array(0) });

/** One instance of each event. Error events carry a recognisable NOTIFICATION. */
function sampleEvent(type: FsmEventType): FsmEvent {
  switch (type) {
    case 'ManualStop':
    case 'AutomaticStop':
      return { type };
    case 'BGPOpen':
    case 'BGPOpen_with_DelayOpenTimer_running':
      return { type, holdTime: 90, keepaliveTime: 30 };
    case 'BGPHeaderErr':
      return { type, notification: n(1, 2) };
    case 'BGPOpenMsgErr':
      return { type, notification: n(2, 2) };
    case 'UpdateMsgErr':
      return { type, notification: n(3, 1) };
    case 'RouteRefreshMsgErr':
      return { type, notification: n(7, 1) };
    default:
      return { type } as FsmEvent;
  }
}

/** The fall to Idle, in the order the RFC lists its steps. */
function idle(o: { n?: string; del?: boolean; damp?: boolean; delayOpen?: boolean } = {}): string {
  return [
    o.n && `notif:${o.n}`,
    'xT:CR',
    o.delayOpen && 'xT:DO',
    'xT:Hold',
    'xT:KA',
    o.del && 'delete',
    'release',
    'drop',
    o.damp && 'sT:IH:5',
  ]
    .filter(Boolean)
    .join(' ');
}

type Counter = '0' | '+1' | '=';
type Row = readonly [SessionState, Counter, string];

const STARTS: readonly FsmEventType[] = [
  'ManualStart',
  'AutomaticStart',
  'ManualStart_with_PassiveTcpEstablishment',
  'AutomaticStart_with_PassiveTcpEstablishment',
  'AutomaticStart_with_DampPeerOscillations',
  'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment',
];

function fill(
  table: Partial<Record<FsmEventType, Row>>,
  events: readonly FsmEventType[],
  row: Row,
): void {
  for (const e of events) table[e] = row;
}

function rest(table: Partial<Record<FsmEventType, Row>>, row: Row): Record<FsmEventType, Row> {
  for (const e of FSM_EVENT_TYPES) table[e] ??= row;
  return table as Record<FsmEventType, Row>;
}

const START_CONNECT = 'xT:IH sT:CR:120 connect';
const START_PASSIVE = 'xT:IH sT:CR:120';
const OPEN_SENT = 'xT:CR open sT:Hold:240';
const ACCEPT_DELAYED = 'xT:CR xT:DO open ka sT:KA:30 sT:Hold:90';

const EXPECTED: Record<SessionState, Record<FsmEventType, Row>> = {
  Idle: rest(
    {
      ManualStart: ['Connect', '0', START_CONNECT],
      AutomaticStart: ['Connect', '0', START_CONNECT],
      ManualStart_with_PassiveTcpEstablishment: ['Active', '0', START_PASSIVE],
      AutomaticStart_with_PassiveTcpEstablishment: ['Active', '0', START_PASSIVE],
      AutomaticStart_with_DampPeerOscillations: ['Idle', '=', 'sT:IH:5'],
      AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment: [
        'Idle',
        '=',
        'sT:IH:5',
      ],
      IdleHoldTimer_Expires: ['Connect', '0', START_CONNECT],
      ManualStop: ['Idle', '=', 'xT:IH'],
    },
    ['Idle', '=', ''],
  ),
  Connect: (() => {
    const t: Partial<Record<FsmEventType, Row>> = {};
    fill(t, [...STARTS, 'TcpConnection_Valid', 'Tcp_CR_Invalid'], ['Connect', '=', '']);
    t.ManualStop = ['Idle', '0', idle()];
    t.ConnectRetryTimer_Expires = ['Connect', '=', 'drop sT:CR:120 xT:DO connect'];
    t.DelayOpenTimer_Expires = ['OpenSent', '=', OPEN_SENT];
    fill(t, ['Tcp_CR_Acked', 'TcpConnectionConfirmed'], ['OpenSent', '=', OPEN_SENT]);
    t.TcpConnectionFails = ['Idle', '=', idle({ damp: true })];
    t.BGPOpen_with_DelayOpenTimer_running = ['OpenConfirm', '=', ACCEPT_DELAYED];
    return rest(t, ['Idle', '+1', idle({ damp: true })]);
  })(),
  Active: (() => {
    const t: Partial<Record<FsmEventType, Row>> = {};
    fill(t, [...STARTS, 'TcpConnection_Valid', 'Tcp_CR_Invalid'], ['Active', '=', '']);
    t.ManualStop = ['Idle', '0', idle()];
    t.ConnectRetryTimer_Expires = ['Connect', '=', 'sT:CR:120 connect'];
    t.DelayOpenTimer_Expires = ['OpenSent', '=', 'xT:CR xT:DO open sT:Hold:240'];
    fill(t, ['Tcp_CR_Acked', 'TcpConnectionConfirmed'], ['OpenSent', '=', OPEN_SENT]);
    t.TcpConnectionFails = ['Idle', '+1', idle({ damp: true, delayOpen: true })];
    t.BGPOpen_with_DelayOpenTimer_running = ['OpenConfirm', '=', ACCEPT_DELAYED];
    return rest(t, ['Idle', '+1', idle({ damp: true })]);
  })(),
  OpenSent: (() => {
    const t: Partial<Record<FsmEventType, Row>> = {};
    fill(
      t,
      [
        ...STARTS,
        'TcpConnection_Valid',
        'Tcp_CR_Invalid',
        'Tcp_CR_Acked',
        'TcpConnectionConfirmed',
      ],
      ['OpenSent', '=', ''],
    );
    t.ManualStop = ['Idle', '0', idle({ n: '6/2' })];
    t.AutomaticStop = ['Idle', '+1', idle({ n: '6/0', damp: true })];
    t.HoldTimer_Expires = ['Idle', '+1', idle({ n: '4/0', damp: true })];
    t.TcpConnectionFails = ['Active', '=', 'xT:Hold release drop sT:CR:120'];
    t.BGPOpen = ['OpenConfirm', '=', 'xT:DO xT:CR ka sT:KA:30 sT:Hold:90'];
    t.BGPHeaderErr = ['Idle', '+1', idle({ n: '1/2', damp: true })];
    t.BGPOpenMsgErr = ['Idle', '+1', idle({ n: '2/2', damp: true })];
    t.OpenCollisionDump = ['Idle', '+1', idle({ n: '6/7', damp: true })];
    t.NotifMsgVerErr = ['Idle', '=', idle()];
    t.NotifMsg = ['Idle', '+1', idle({ damp: true })];
    return rest(t, ['Idle', '+1', idle({ n: '5/1', damp: true })]);
  })(),
  OpenConfirm: (() => {
    const t: Partial<Record<FsmEventType, Row>> = {};
    fill(
      t,
      [
        ...STARTS,
        'TcpConnection_Valid',
        'Tcp_CR_Invalid',
        'Tcp_CR_Acked',
        'TcpConnectionConfirmed',
      ],
      ['OpenConfirm', '=', ''],
    );
    t.ManualStop = ['Idle', '0', idle({ n: '6/2' })];
    t.AutomaticStop = ['Idle', '+1', idle({ n: '6/0', damp: true })];
    t.HoldTimer_Expires = ['Idle', '+1', idle({ n: '4/0', damp: true })];
    t.KeepaliveTimer_Expires = ['OpenConfirm', '=', 'ka sT:KA:30'];
    fill(t, ['TcpConnectionFails', 'NotifMsg'], ['Idle', '+1', idle({ damp: true })]);
    t.NotifMsgVerErr = ['Idle', '=', idle()];
    t.BGPHeaderErr = ['Idle', '+1', idle({ n: '1/2', damp: true })];
    t.BGPOpenMsgErr = ['Idle', '+1', idle({ n: '2/2', damp: true })];
    t.OpenCollisionDump = ['Idle', '+1', idle({ n: '6/7', damp: true })];
    t.KeepAliveMsg = ['Established', '=', 'sT:Hold:90'];
    return rest(t, ['Idle', '+1', idle({ n: '5/2', damp: true })]);
  })(),
  Established: (() => {
    const t: Partial<Record<FsmEventType, Row>> = {};
    fill(
      t,
      [
        ...STARTS,
        'TcpConnection_Valid',
        'Tcp_CR_Invalid',
        'Tcp_CR_Acked',
        'TcpConnectionConfirmed',
      ],
      ['Established', '=', ''],
    );
    t.ManualStop = ['Idle', '0', idle({ n: '6/2', del: true })];
    t.AutomaticStop = ['Idle', '+1', idle({ n: '6/0', del: true, damp: true })];
    t.HoldTimer_Expires = ['Idle', '+1', idle({ n: '4/0', del: true, damp: true })];
    t.KeepaliveTimer_Expires = ['Established', '=', 'ka sT:KA:30'];
    t.OpenCollisionDump = ['Idle', '+1', idle({ n: '6/7', del: true, damp: true })];
    fill(
      t,
      ['NotifMsgVerErr', 'NotifMsg', 'TcpConnectionFails'],
      ['Idle', '+1', idle({ del: true, damp: true })],
    );
    t.KeepAliveMsg = ['Established', '=', 'sT:Hold:90'];
    fill(t, ['UpdateMsg', 'RouteRefreshMsg'], ['Established', '=', 'process sT:Hold:90']);
    t.UpdateMsgErr = ['Idle', '+1', idle({ n: '3/1', del: true, damp: true })];
    t.RouteRefreshMsgErr = ['Idle', '+1', idle({ n: '7/1', del: true, damp: true })];
    t.BGPHeaderErr = ['Idle', '+1', idle({ n: '1/2', del: true, damp: true })];
    t.BGPOpenMsgErr = ['Idle', '+1', idle({ n: '2/2', del: true, damp: true })];
    return rest(t, ['Idle', '+1', idle({ n: '5/3', del: true, damp: true })]);
  })(),
};

/** Attributes a session has in each state (counter 3 so that reset/increment/keep differ). */
function attributesIn(state: SessionState): SessionAttributes {
  const negotiated = state === 'OpenConfirm' || state === 'Established';
  return {
    ...initialAttributes(DEFAULT_FSM_CONFIG),
    state,
    connectRetryCounter: 3,
    holdTime: negotiated ? 90 : 0,
    keepaliveTime: negotiated ? 30 : 0,
  };
}

describe('RFC 4271 §8.2.2 transition table', () => {
  it('covers every (state, event) pair', () => {
    let pairs = 0;
    for (const s of FSM_STATES) for (const e of FSM_EVENT_TYPES) if (EXPECTED[s][e]) pairs++;
    expect(pairs).toBe(FSM_STATES.length * FSM_EVENT_TYPES.length);
    expect(FSM_EVENT_TYPES.length).toBe(30); // 28 RFC events + the two ROUTE-REFRESH ones
  });

  const cases = FSM_STATES.flatMap((s) =>
    FSM_EVENT_TYPES.map((e) => [s, e, ...EXPECTED[s][e]] as const),
  );
  it.each(cases)('%s + %s -> %s (counter %s) [%s]', (state, event, next, counter, actions) => {
    const before = attributesIn(state);
    const t = transition(before, sampleEvent(event), DEFAULT_FSM_CONFIG);
    expect(t.next.state).toBe(next);
    expect(fmt(t.actions)).toBe(actions);
    const expectedCounter = counter === '0' ? 0 : counter === '+1' ? 4 : 3;
    expect(t.next.connectRetryCounter).toBe(expectedCounter);
  });
});

describe('optional attributes (RFC 4271 §8.1.1)', () => {
  const cfg = (o: Partial<FsmConfig>): FsmConfig => ({ ...DEFAULT_FSM_CONFIG, ...o });

  it('DelayOpen: connection confirmed starts the DelayOpenTimer instead of sending OPEN', () => {
    const c = cfg({ delayOpen: true, delayOpenTime: 5 });
    for (const state of ['Connect', 'Active'] as const) {
      const t = transition(attributesIn(state), { type: 'TcpConnectionConfirmed' }, c);
      expect(t.next.state).toBe(state);
      expect(t.next.delayOpenTimerRunning).toBe(true);
      expect(fmt(t.actions)).toBe('xT:CR sT:DO:5');
      // The peer's OPEN while the timer runs: OPEN + KEEPALIVE, straight to OpenConfirm.
      const o = transition(
        t.next,
        { type: 'BGPOpen_with_DelayOpenTimer_running', holdTime: 30, keepaliveTime: 10 },
        c,
      );
      expect(o.next.state).toBe('OpenConfirm');
      expect(o.next.delayOpenTimerRunning).toBe(false);
      expect(fmt(o.actions)).toBe('xT:CR xT:DO open ka sT:KA:10 sT:Hold:30');
      // Or the timer expires first: send OPEN, OpenSent.
      const x = transition(t.next, { type: 'DelayOpenTimer_Expires' }, c);
      expect(x.next.state).toBe('OpenSent');
      expect(x.actions.some((a) => a.type === 'sendOpen')).toBe(true);
    }
  });

  it('DelayOpen: TCP failure in Connect while the timer runs goes to Active', () => {
    const c = cfg({ delayOpen: true, delayOpenTime: 5 });
    const t = transition(
      { ...attributesIn('Connect'), delayOpenTimerRunning: true },
      { type: 'TcpConnectionFails' },
      c,
    );
    expect(t.next.state).toBe('Active');
    expect(fmt(t.actions)).toBe('sT:CR:120 xT:DO');
  });

  it('DelayOpen: NotifMsgVerErr while the timer runs does not count a failure', () => {
    const t = transition(
      { ...attributesIn('Connect'), delayOpenTimerRunning: true },
      { type: 'NotifMsgVerErr' },
    );
    expect(t.next).toMatchObject({ state: 'Idle', connectRetryCounter: 3 });
    expect(fmt(t.actions)).toBe(idle({ delayOpen: true }));
  });

  it('SendNOTIFICATIONwithoutOPEN reports errors in Connect and Active', () => {
    const c = cfg({ sendNotificationWithoutOpen: true });
    for (const state of ['Connect', 'Active'] as const) {
      const t = transition(attributesIn(state), sampleEvent('BGPHeaderErr'), c);
      expect(fmt(t.actions)).toBe(idle({ n: '1/2', damp: true }));
    }
    const stop = transition(
      { ...attributesIn('Active'), delayOpenTimerRunning: true },
      { type: 'ManualStop' },
      c,
    );
    expect(fmt(stop.actions)).toBe(idle({ n: '6/2', delayOpen: true }));
  });

  it('PassiveTcpEstablishment never initiates: ConnectRetryTimer expiry in Active stays Active', () => {
    const t = transition(
      attributesIn('Active'),
      { type: 'ConnectRetryTimer_Expires' },
      cfg({ passiveTcpEstablishment: true }),
    );
    expect(t.next.state).toBe('Active');
    expect(fmt(t.actions)).toBe('sT:CR:120');
    const r = transition(
      attributesIn('Idle'),
      { type: 'IdleHoldTimer_Expires' },
      cfg({ passiveTcpEstablishment: true }),
    );
    expect(r.next.state).toBe('Active');
    expect(fmt(r.actions)).toBe(START_PASSIVE);
  });

  it('AllowAutomaticStart false: automatic starts are ignored and errors do not restart', () => {
    const c = cfg({ allowAutomaticStart: false });
    for (const e of [
      'AutomaticStart',
      'AutomaticStart_with_PassiveTcpEstablishment',
      'IdleHoldTimer_Expires',
    ] as const) {
      const t = transition(attributesIn('Idle'), { type: e }, c);
      expect(t.next.state).toBe('Idle');
      expect(t.actions).toEqual([]);
    }
    const fail = transition(attributesIn('Established'), { type: 'HoldTimer_Expires' }, c);
    expect(fmt(fail.actions)).toBe(idle({ n: '4/0', del: true }));
  });

  it('AllowAutomaticStop false: AutomaticStop is ignored in every state', () => {
    const c = cfg({ allowAutomaticStop: false });
    for (const s of FSM_STATES) {
      const before = attributesIn(s);
      const t = transition(before, { type: 'AutomaticStop' }, c);
      expect(t.next).toBe(before);
      expect(t.actions).toEqual([]);
    }
  });

  it('a graceful stop (notification null) closes without a NOTIFICATION', () => {
    const t = transition(attributesIn('Established'), { type: 'ManualStop', notification: null });
    expect(fmt(t.actions)).toBe(idle({ del: true }));
  });

  it('hold time 0: OPEN accepted without hold or keepalive timers', () => {
    const t = transition(attributesIn('OpenSent'), {
      type: 'BGPOpen',
      holdTime: 0,
      keepaliveTime: 0,
    });
    expect(t.next).toMatchObject({ state: 'OpenConfirm', holdTime: 0 });
    expect(fmt(t.actions)).toBe('xT:DO xT:CR ka xT:KA xT:Hold');
    const ka = transition(t.next, { type: 'KeepAliveMsg' });
    expect(ka.next.state).toBe('Established');
    expect(ka.actions).toEqual([]);
    const up = transition(ka.next, { type: 'UpdateMsg' });
    expect(fmt(up.actions)).toBe('process');
  });
});

describe('damping of peer oscillations (IdleHoldTimer back-off)', () => {
  it('property: the IdleHoldTime doubles on each failure up to the ceiling and resets on ManualStop', () => {
    const c: FsmConfig = { ...DEFAULT_FSM_CONFIG, idleHoldTime: 5, maxIdleHoldTime: 60 };
    let a = initialAttributes(c);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      a = transition(a, { type: 'ManualStart' }, c).next;
      a = transition(a, { type: 'TcpConnectionConfirmed' }, c).next;
      const t = transition(a, { type: 'HoldTimer_Expires' }, c);
      const ih = t.actions.find((x) => x.type === 'startTimer' && x.timer === 'IdleHoldTimer');
      waits.push(ih && ih.type === 'startTimer' ? ih.seconds : -1);
      a = t.next;
    }
    expect(waits).toEqual([5, 10, 20, 40, 60, 60]);
    expect(a.connectRetryCounter).toBe(1); // ManualStart resets the counter each round
    const stopped = transition(a, { type: 'ManualStop' }, c);
    expect(stopped.next.idleHoldTime).toBe(5);
    expect(fmt(stopped.actions)).toBe('xT:IH');
  });

  it('without damping the restart delay stays constant', () => {
    const c: FsmConfig = { ...DEFAULT_FSM_CONFIG, dampPeerOscillations: false, idleHoldTime: 7 };
    let a = attributesIn('Established');
    a = { ...a, idleHoldTime: 7 };
    for (let i = 0; i < 3; i++) {
      const t = transition({ ...a, state: 'Established' }, { type: 'NotifMsg' }, c);
      expect(fmt(t.actions)).toContain('sT:IH:7');
      a = t.next;
    }
    // Events 6/7 only exist with damping.
    expect(
      transition(attributesIn('Idle'), { type: 'AutomaticStart_with_DampPeerOscillations' }, c)
        .actions,
    ).toEqual([]);
  });
});

describe('invariants over random event sequences', () => {
  it('property: every sequence keeps the machine consistent', () => {
    const eventArb = fc.constantFrom(...FSM_EVENT_TYPES).map(sampleEvent);
    const configArb = fc.record({
      delayOpen: fc.boolean(),
      passiveTcpEstablishment: fc.boolean(),
      allowAutomaticStart: fc.boolean(),
      allowAutomaticStop: fc.boolean(),
      dampPeerOscillations: fc.boolean(),
      sendNotificationWithoutOpen: fc.boolean(),
    });
    fc.assert(
      fc.property(configArb, fc.array(eventArb, { maxLength: 60 }), (partial, events) => {
        const c: FsmConfig = { ...DEFAULT_FSM_CONFIG, ...partial, delayOpenTime: 3 };
        let a = initialAttributes(c);
        // A passive speaker generates only the passive start events (RFC 4271 §8.1.2).
        const active = new Set<FsmEventType>([
          'ManualStart',
          'AutomaticStart',
          'AutomaticStart_with_DampPeerOscillations',
        ]);
        for (const e of events) {
          if (c.passiveTcpEstablishment && active.has(e.type)) continue;
          const from = a.state;
          const { next, actions } = transition(a, e, c);
          expect(FSM_STATES).toContain(next.state);
          expect(next.connectRetryCounter).toBeGreaterThanOrEqual(0);
          expect(next.idleHoldTime).toBeLessThanOrEqual(
            Math.max(c.maxIdleHoldTime, c.idleHoldTime),
          );
          // Established is only entered from OpenConfirm on a KEEPALIVE.
          if (next.state === 'Established' && from !== 'Established') {
            expect([from, e.type]).toEqual(['OpenConfirm', 'KeepAliveMsg']);
          }
          // Nothing is sent in Idle, and no connection is initiated when passive.
          if (from === 'Idle') expect(actions.some((x) => x.type.startsWith('send'))).toBe(false);
          if (c.passiveTcpEstablishment)
            expect(actions.some((x) => x.type === 'connect')).toBe(false);
          // An OPEN is sent at most once per connection: never from OpenSent onwards.
          if (from === 'OpenSent' || from === 'OpenConfirm' || from === 'Established')
            expect(actions.some((x) => x.type === 'sendOpen')).toBe(false);
          a = next;
        }
      }),
    );
  });
});
