/** English messages of Your details (the borrower's profile and nominee, the nominee packet)
 *  and of the grievance letter as a person sends it (signed, dates in words, ids under
 *  References, edited, previewed and confirmed before filing); spread into `en.ts`. */
const profileEn = {
  'nav.profile': 'Your details',
  'profile.title': 'Your details',
  'profile.lead':
    'Letters Khata drafts for you — a grievance, a request to a lender — are signed with these details, so the lender knows who writes and can find your records. They stay in your vault on this computer.',
  'profile.section': 'About you',
  'profile.fullName': 'Full name',
  'profile.phone': 'Mobile number',
  'profile.email': 'Email address',
  'profile.language': 'Language of your letters',
  'profile.language.app': 'The language Khata is shown in',
  'profile.language.en': 'English',
  'profile.language.hi': 'हिन्दी (Hindi)',
  'profile.customerIds': 'Your customer id with each lender',
  'profile.customerIds.lead':
    'A lender finds your records by the customer id it gave you. Where the lender put one in the consent it signed, it is filled in for you.',
  'profile.customerId.fromConsent': 'From the consent {lender} signed: {id}',
  'profile.noLenders': 'Connect a lender to add its customer id.',
  'profile.save': 'Save your details',
  'profile.saving': 'Saving…',
  'profile.saved': 'Your details are saved.',
  'profile.nominee.section': 'Your nominee',
  'profile.nominee.lead':
    'Under section 14 of the Digital Personal Data Protection Act, 2023, you may name a person who can use your rights over your data if you die or cannot act for yourself. Khata keeps who it is and when you named them, and writes a packet they can use: a letter of nomination, the consents and requests in force, and your records in a form anyone can check.',
  'profile.nominee.name': 'Nominee’s full name',
  'profile.nominee.relationship': 'How they are related to you',
  'profile.nominee.contact': 'Nominee’s mobile number or email',
  'profile.nominee.recorded': 'Named on {date}.',
  'profile.nominee.none': 'You have not named a nominee.',
  'profile.nominee.save': 'Save the nominee',
  'profile.nominee.saved': 'Your nominee is saved.',
  'profile.nominee.remove': 'Remove the nominee',
  'profile.nominee.removed': 'The nominee is removed.',
  'profile.packet.title': 'Packet for your nominee',
  'profile.packet.lead':
    'A zip file for your nominee: the letter of nomination below, their details, the consents and requests in force, and your records as an export that “Verify an export” in Khata (or the khata verify command) checks.',
  'profile.packet.lender': 'For',
  'profile.packet.allLenders': 'Every lender',
  'profile.packet.letter': 'Letter of nomination',
  'profile.packet.save': 'Save the nominee packet…',
  'profile.packet.saved': 'Saved {files} files to {path}: {consents, plural, one {# consent} other {# consents}} in force, {requests, plural, one {# open request} other {# open requests}}.',
  'profile.packet.needsNominee': 'Name a nominee first: the packet is for them.',
  'profile.packet.needsName': 'Save your name above first: the letter of nomination is signed with it.',
  'nomination.letter.to': 'To: The Grievance Officer, {lender}',
  'nomination.letter.toAll': 'To: The grievance officers of the lenders I deal with',
  'nomination.letter.date': 'Date: {date}',
  'nomination.letter.subject': 'Subject: Nomination under section 14 of the Digital Personal Data Protection Act, 2023',
  'nomination.letter.greeting': 'Dear Grievance Officer,',
  'nomination.letter.body':
    'I, {name}, nominate {nominee} ({relationship}, contact: {contact}) to exercise my rights over my personal data under the Digital Personal Data Protection Act, 2023 if I die or become unable to act for myself. I named them on {date}.',
  'nomination.letter.customerId': 'My customer id with {lender} is {id}.',
  'nomination.letter.enclosed':
    'Enclosed are the consents I gave that are still in force, my rights requests still open, and my records as kept by Khata, in khata-export.json.',
  'nomination.letter.verify':
    'Anyone can check those records: open khata-export.json in Khata with “Verify an export”, or run “khata verify khata-export.json”. It checks every statement the lender signed against the lender’s published keys and the chain of my records, and names anything that was changed.',
  'nomination.letter.closing': 'Sincerely,',
  'grievance.letter.intro': 'I am {name}, a customer of {lender}.',
  'grievance.letter.consentRef': 'no. {n}',
  'grievance.letter.phone': 'Mobile: {phone}',
  'grievance.letter.email': 'Email: {email}',
  'grievance.letter.references': 'References',
  'grievance.letter.ref.customerId': 'My customer id with {lender}: {id}',
  'grievance.letter.ref.consent': 'Consent no. {n}: {id}',
  'grievance.letter.ref.finding': 'Problem {index} (rule {rule}): {records}',
  'grievance.letter.ref.phoneFile': 'Phone file {file}: SHA-256 {sha}',
  'grievance.summary.rule': '{index}. [{severity}] {title}: {count, plural, one {once} other {{n} times}}',
  'grievance.summary.full':
    'The full letter, with each problem, its dates and the records, is {chars} characters long, more than your form takes. I am sending it to you with the signed evidence in a grievance packet.',
  'audit.fact.observed.fileNoHash': 'Seen in {file} ({format}).',
  'audit.fact.observed.fileMadeNoHash': 'Seen in {file} ({format}, made {made}).',
  'audit.fact.prohibitedByLenderNoFlag':
    '{lender} collected your “{signal}” data {when}. The lender itself marks it as data lenders may not collect.',
  'audit.fact.counterfactualNoId':
    'The offer scores {offerScore}. Without {withheld} it should score {expected} ({changes}), but the what-if quote says {quoteScore}.',
  'grievance.flow.name.lead': 'Letters are signed with your name. Which name should this one carry? It is kept in Your details.',
  'grievance.flow.name': 'Your full name',
  'grievance.flow.customerId': 'Your customer id with {lender} (if you know it)',
  'grievance.flow.name.save': 'Sign with this name',
  'grievance.flow.edit.label': 'The letter — change any word before you send it',
  'grievance.flow.preview': 'Preview',
  'grievance.flow.edit': 'Edit',
  'grievance.flow.reset': 'Start again from the draft',
  'grievance.flow.next': 'File with {lender}…',
  'grievance.flow.whole': 'The whole letter ({chars} characters) is filed with {lender}.',
  'grievance.flow.summary':
    'Your letter is {chars} characters long; {lender}’s form takes at most {max}. The summary below is filed, and the whole letter goes in the grievance packet: save it and send it to the grievance officer.',
  'grievance.flow.summary.title': 'What is filed',
  'grievance.flow.confirm': 'File this with {lender}’s grievance officer?',
  'grievance.flow.confirm.body':
    'Khata sends it through {lender}’s own system. The lender answers with a ticket and a date, which you can follow under Your rights.',
  'grievance.flow.confirm.yes': 'Yes, file it',
  'grievance.flow.back': 'Back',
  'grievance.flow.empty': 'The letter is empty.',
};

export default profileEn;
