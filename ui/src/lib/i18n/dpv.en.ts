/**
 * W3C Data Privacy Vocabulary (DPV) personal-data terms in plain words, keyed `dpv.<term>` with
 * the term as lenders send it (`dpv.pd:Income`). The term itself stays in a tooltip; a term not
 * here is shown as sent (`dpvLabel` in i18n.svelte.ts).
 */
const dpvEn = {
  'dpv.pd:Account': 'An account',
  'dpv.pd:AddressBook': 'Address book',
  'dpv.pd:AudioRecording': 'Audio recordings',
  'dpv.pd:Behavioral': 'Behaviour',
  'dpv.pd:CallLog': 'Call log',
  'dpv.pd:CallMetadata': 'Call details',
  'dpv.pd:Communication': 'Messages and calls',
  'dpv.pd:CommunicationsMetadata': 'Message and call details',
  'dpv.pd:Contact': 'Contacts',
  'dpv.pd:ContactList': 'Contact list',
  'dpv.pd:CreditRecord': 'Credit record',
  'dpv.pd:DeviceApplications': 'Apps on your phone',
  'dpv.pd:DeviceBased': 'About your phone',
  'dpv.pd:FacialPrint': 'Face scan',
  'dpv.pd:File': 'Files',
  'dpv.pd:FinancialAccount': 'Bank or payment account',
  'dpv.pd:GPSCoordinate': 'Exact location (GPS)',
  'dpv.pd:Income': 'Income',
  'dpv.pd:LifeHistory': 'Life events',
  'dpv.pd:Location': 'Location',
  'dpv.pd:MediaFile': 'Photos and media',
  'dpv.pd:OfficialID': 'Identity document',
  'dpv.pd:PhoneNumber': 'Phone number',
  'dpv.pd:PhoneState': 'Phone and SIM details',
  'dpv.pd:Photograph': 'Photographs',
  'dpv.pd:PhysicalLocation': 'Where you are',
  'dpv.pd:Picture': 'Pictures',
  'dpv.pd:PurchasesAndSpendingHabit': 'Purchases and spending',
  'dpv.pd:SocialNetwork': 'Social network',
  'dpv.pd:Transaction': 'Payments',
  'dpv.pd:TravelHistory': 'Travel history',
  'dpv.pd:Video': 'Video',
  'dpv.pd:Voice': 'Voice',
  'dpv.pd:VoiceRecording': 'Voice recordings',
} as const;

export default dpvEn;
