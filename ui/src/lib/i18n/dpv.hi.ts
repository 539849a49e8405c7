import type dpvEn from './dpv.en';

/** Hindi words for the DPV personal-data terms; typed against the English keys so none can go
 *  missing. */
const dpvHi: Record<keyof typeof dpvEn, string> = {
  'dpv.pd:Account': 'खाते',
  'dpv.pd:AddressBook': 'पता-सूची',
  'dpv.pd:AudioRecording': 'आवाज़ की रिकॉर्डिंग',
  'dpv.pd:Behavioral': 'आपका व्यवहार',
  'dpv.pd:CallLog': 'कॉल का ब्योरा',
  'dpv.pd:CallMetadata': 'कॉल की जानकारी',
  'dpv.pd:Communication': 'संदेश और कॉल',
  'dpv.pd:CommunicationsMetadata': 'संदेशों और कॉल की जानकारी',
  'dpv.pd:Contact': 'संपर्क',
  'dpv.pd:ContactList': 'संपर्क सूची',
  'dpv.pd:CreditRecord': 'कर्ज़ का रिकॉर्ड',
  'dpv.pd:DeviceApplications': 'आपके फ़ोन के ऐप',
  'dpv.pd:DeviceBased': 'आपके फ़ोन की जानकारी',
  'dpv.pd:FacialPrint': 'चेहरे की पहचान',
  'dpv.pd:File': 'फ़ाइलें',
  'dpv.pd:FinancialAccount': 'बैंक और वॉलेट खाते',
  'dpv.pd:GPSCoordinate': 'सही-सही जगह (GPS)',
  'dpv.pd:Income': 'आमदनी',
  'dpv.pd:LifeHistory': 'जीवन की घटनाएँ',
  'dpv.pd:Location': 'जगह',
  'dpv.pd:MediaFile': 'फ़ोटो, वीडियो और आवाज़ की फ़ाइलें',
  'dpv.pd:OfficialID': 'पहचान के दस्तावेज़',
  'dpv.pd:PhoneNumber': 'फ़ोन नंबर',
  'dpv.pd:PhoneState': 'फ़ोन और सिम की स्थिति',
  'dpv.pd:Photograph': 'फ़ोटो',
  'dpv.pd:PhysicalLocation': 'आप कहाँ हैं',
  'dpv.pd:Picture': 'तस्वीरें',
  'dpv.pd:PurchasesAndSpendingHabit': 'ख़रीदारी और ख़र्च',
  'dpv.pd:SocialNetwork': 'आपके जान-पहचान वाले',
  'dpv.pd:Transaction': 'लेन-देन',
  'dpv.pd:TravelHistory': 'जहाँ आप गए हैं',
  'dpv.pd:Video': 'वीडियो',
  'dpv.pd:Voice': 'आवाज़',
  'dpv.pd:VoiceRecording': 'आवाज़ की रिकॉर्डिंग',
};

export default dpvHi;
