import type { MessageKey } from './en';

/** Hindi messages. Typed against the English keys so none can go missing. */
const hi: Record<MessageKey, string> = {
  'app.name': 'खाता',
  'app.skip': 'सामग्री पर जाएँ',
  'nav.label': 'मुख्य',
  'nav.home': 'होम',
  'nav.connect': 'ऋणदाता जोड़ें',
  'nav.about': 'खाता के बारे में',
  'nav.language': 'भाषा',
  'home.title': 'आपका डेटा, आपका क्रेडिट',
  'home.lead':
    'डिजिटल ऋणदाता आपके फ़ोन के डेटा से आपको अंक देते हैं। खाता दिखाता है कि उन्होंने क्या लिया, उससे आपके ऑफ़र पर क्या असर पड़ा, और आप उसे वापस ले सकते हैं।',
  'home.empty.title': 'अभी कोई ऋणदाता नहीं जुड़ा है',
  'home.empty.body':
    'किसी ऋणदाता को जोड़ें, ताकि उसके साथ साझा किए गए हर संकेत का एन्क्रिप्टेड रिकॉर्ड रखा जा सके।',
  'home.feature.vault.title': 'एन्क्रिप्टेड रिकॉर्ड',
  'home.feature.vault.body':
    'क्रेडिट के लिए साझा किया गया हर संकेत, केवल इसी डिवाइस पर, आपके सिस्टम कीचेन की चाबी से सुरक्षित।',
  'home.feature.explain.title': 'हर संकेत ने आपका ऑफ़र कैसे बदला',
  'home.feature.explain.body':
    'देखें किससे मदद मिली, किससे नुकसान हुआ, और किसी संकेत के बिना आपका ऑफ़र क्या होता।',
  'home.feature.control.title': 'सहमति वापस लें और निर्यात करें',
  'home.feature.control.body':
    'पूरे ऋणदाता या किसी एक संकेत की सहमति वापस लें, और हर रिकॉर्ड सबूत के रूप में निर्यात करें।',
  'home.connect': 'ऋणदाता जोड़ें',
  'connect.title': 'ऋणदाता जोड़ें',
  'connect.soon':
    'इस संस्करण में अभी ऋणदाता से जुड़ना उपलब्ध नहीं है। यह अगले रिलीज़ में आएगा, एक अंतर्निहित सैंडबॉक्स ऋणदाता के साथ जिसे आप सुरक्षित रूप से आज़मा सकते हैं।',
  'connect.back': 'होम पर वापस जाएँ',
  'about.title': 'खाता के बारे में',
  'about.version': 'संस्करण',
  'about.build': 'बिल्ड',
  'about.build.debug': 'डीबग',
  'about.build.release': 'रिलीज़',
  'about.vault': 'वॉल्ट का स्थान',
  'about.logs': 'लॉग फ़ोल्डर',
  'about.platform': 'प्लैटफ़ॉर्म',
  'about.loading': 'लोड हो रहा है…',
  'about.close': 'बंद करें',
  'error.unexpected': 'कुछ गड़बड़ हो गई: {message}',
};

export default hi;
