import type wordsEn from './words.en';

/** Home's alerts, the lenders' flags and purposes in Hindi; typed against the English keys so none can go missing. */
const wordsHi: Record<keyof typeof wordsEn, string> = {
  'alert.consent_requests_pending':
    '{count, plural, one {सहमति का एक अनुरोध आपके फ़ैसले का इंतज़ार कर रहा है।} other {सहमति के # अनुरोध आपके फ़ैसले का इंतज़ार कर रहे हैं।}}',
  'alert.consent_expiring': 'एक सहमति एक हफ़्ते के अंदर ख़त्म हो रही है।',
  'alert.rights_request_overdue': 'एक ऋणदाता ने आपके अनुरोध का जवाब देने में देर कर दी है।',
  'audit.record.leafId': 'उसके लॉग में क्रम {index} पर',
  'purpose.credit-underwriting': 'आपके लोन आवेदन की जाँच',
  'purpose.cross-selling': 'आपको दूसरी चीज़ें बेचने के लिए',
  'signal.flag.sms-derived': 'आपके SMS से पढ़ी गई',
  'signal.flag.brand-loyalty': 'फ़ोन कंपनी वाले खाते से',
  'signal.flag.inferred': 'आपके बारे में अंदाज़ा, नापा नहीं गया',
};

export default wordsHi;
