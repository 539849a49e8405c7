/** English messages of rights requests: the kinds with their law, what a request is about,
 *  the statutory clocks, and what an overdue request offers (a follow-up letter, a complaint
 *  to the RBI Ombudsman or the Data Protection Board, calendar reminders). Spread into
 *  `en.ts`, same rules. */
const rightsEn = {
  'rights.kind.access': 'A summary of your data',
  'rights.kind.access.body': 'Ask what data the lender holds about you and who it shared it with.',
  'rights.kind.access.law': 'DPDP Act, s.11',
  'rights.kind.correction.law': 'DPDP Act, s.12',
  'rights.kind.erasure.law': 'DPDP Act, s.12',
  'rights.kind.grievance.law': 'DPDP Act, s.13; RBI Ombudsman Scheme',
  'rights.kind.nomination': 'Name a nominee',
  'rights.kind.nomination.body': 'Name the person who may use these rights for you if you die or cannot act yourself.',
  'rights.kind.nomination.law': 'DPDP Act, s.14',
  'rights.kind.human_review.law': 'A request to the lender',

  'rights.about': 'What is it about?',
  'rights.about.none': 'My data in general',
  'rights.about.signal': 'One kind of data',
  'rights.about.offer': 'An offer',
  'rights.about.consent': 'A consent',
  'rights.about.pickSignal': 'Which data',
  'rights.about.pickOffer': 'Which offer',
  'rights.about.pickConsent': 'Which consent',
  'rights.about.offerOption': 'Offer of {date}',
  'rights.about.consentOption': '{purpose}, given on {date}',
  'rights.about.nothing': 'Nothing to choose from yet.',
  'rights.about.shown': 'About: {what}',

  'rights.correction.title': 'What {lender} holds, as far as Khata knows',
  'rights.correction.bin': 'In its offer of {date}, it scored your {signal} as “{bin}”.',
  'rights.correction.noBin': 'No offer has scored your {signal} yet.',
  'rights.correction.lastCollected': 'It last said it collected it on {date}.',
  'rights.correction.neverCollected': 'It has not said it collected it.',
  'rights.correction.hint': 'Say in the details what the right value is.',

  'rights.nominee.title': 'Your nominee',
  'rights.nominee.name': 'Name',
  'rights.nominee.relationship': 'How they are related to you',
  'rights.nominee.contact': 'Phone number or email',

  'rights.clocks': 'Deadlines',
  'rights.clock.source.rbi-ombudsman-30d': 'RBI rules',
  'rights.clock.source.dpdp-grievance-90d': 'DPDP Rules',
  'rights.clock.source.dpdp-rights-not-notified': 'DPDP Rules',
  'rights.clock.due': 'Reply due by {date} — {source}, {days, plural, one {# day} other {# days}}',
  'rights.clock.overdue': 'Reply was due by {date} — {source}, {days, plural, one {# day} other {# days}}. Overdue.',
  'rights.clock.notNotified': 'No reply period is set for this request yet — {source}',
  'rights.clock.detail': '{law}, {clause}; checked on {asOf}.',
  'rights.clock.inForce': 'These rules apply from {date}.',
  'rights.clock.lenderDue': 'The lender’s own date: {date}',
  'rights.clock.started': 'Counted from {date}, when you first asked.',

  'rights.next.title': 'What you can do now',
  'rights.next.lead': '{lender} has not answered in time. Choose a next step, read and change the text, then save it with the evidence.',
  'rights.next.open': 'What can I do?',
  'rights.next.step.lender_grievance': 'Write to its grievance officer again',
  'rights.next.step.rbi_ombudsman': 'Complain to the RBI Ombudsman',
  'rights.next.step.data_protection_board': 'Complain to the Data Protection Board',
  'rights.next.portal': 'File it at {portal}: it asks for the lender, the date you first complained, the lender’s ticket, what happened and what you want.',
  'rights.next.noPortal': 'Send it with the evidence; keep a copy.',
  'rights.next.text': 'The text',
  'rights.next.save': 'Save with the evidence…',
  'rights.next.saved': 'Saved {files} files to {path}.',
  'rights.next.calendar': 'Add the deadlines to my calendar…',
  'rights.next.calendarSaved': 'Calendar saved to {path}.',
  'rights.next.close': 'Close',

  'rights.letter.followUp':
    'To: The Grievance Officer, {lender}\nDate: {date}\nSubject: Reminder — my request of {first} (ticket {ticket}) has no answer\n\nDear Grievance Officer,\n\nOn {first} I asked you: {kind}.\nMy words were: “{details}”\n\n{clock}\nI have had no answer.\n\nPlease answer within 7 days. If you do not, I will take the matter further: {next}.\n\nSincerely,\n\n{name}\n{contact}',
  'rights.letter.rbi':
    'To: The RBI Ombudsman (Complaint Management System, cms.rbi.org.in)\nDate: {date}\n\nComplaint against: {lender}{registration}\nComplainant: {name}, {contact}\n\n1. Date I first complained to the lender: {first}\n2. The lender’s reference (ticket): {ticket}\n3. What happened: on {first} I asked {lender}: {kind}. My words were: “{details}”. The lender had 30 days to answer; they ran out on {due} and I have had no answer.\n4. What I want: that {lender} answer my request and act on it, and [anything else you ask for].\n5. Attached: my request, the lender’s signed acknowledgement and the evidence Khata keeps ({findings, plural, =0 {no audit findings} one {# audit finding} other {# audit findings}}).\n\nThis complaint is not, to my knowledge, before any court, tribunal or other forum.\n\n{name}',
  'rights.letter.dpb':
    'To: The Data Protection Board of India\nDate: {date}\n\nComplaint against: {lender}, a data fiduciary{registration}\nComplainant: {name}, {contact}\n\n1. On {first} I raised a grievance with {lender} under section 13 of the Digital Personal Data Protection Act, 2023 (ticket {ticket}). My words were: “{details}”\n2. The Digital Personal Data Protection Rules, 2025 (r. 14(3)) allow a lender at most 90 days to answer a grievance; they ran out on {due} and I have had no answer.\n3. What I want: that {lender} answer my grievance and act on it, and [anything else you ask for].\n4. Attached: my grievance, the lender’s signed acknowledgement and the evidence Khata keeps ({findings, plural, =0 {no audit findings} one {# audit finding} other {# audit findings}}).\n\n{name}',
  'rights.letter.noTicket': 'not given',
  'rights.letter.nameMissing': '[Your name: add it under Your details]',
  'rights.letter.contactMissing': '[Your mobile number or email: add it under Your details]',
  'rights.letter.registration': ' (registration {registration})',
  'rights.letter.clock': 'Under the {source} you should have answered by {date}.',
  'rights.letter.noClock': 'You said you would answer by {date}.',
  'rights.letter.next.rbi_ombudsman': 'a complaint to the RBI Ombudsman',
  'rights.letter.next.data_protection_board': 'a complaint to the Data Protection Board of India',
  'rights.letter.next.lender_grievance': 'a grievance under section 13 of the Digital Personal Data Protection Act, 2023',

  'rights.calendar.summary': 'Reply due from {lender}: {kind}',
  'rights.calendar.description': '{source}, {days, plural, one {# day} other {# days}} from {start}. Ticket {ticket}. If there is no answer, Khata can draft the next step.',
} as const;

export default rightsEn;
