/** Hindi messages of rights requests (see `rights.en.ts`); the same keys, spread into `hi.ts`. */
import type rightsEn from './rights.en';

const rightsHi: Record<keyof typeof rightsEn, string> = {
  'rights.kind.access': 'आपकी जानकारी का सार',
  'rights.kind.access.body': 'पूछें कि ऋणदाता के पास आपकी कौन-सी जानकारी है और उसने वह किसे दी।',
  'rights.kind.access.law': 'डीपीडीपी अधिनियम, धारा 11',
  'rights.kind.correction.law': 'डीपीडीपी अधिनियम, धारा 12',
  'rights.kind.erasure.law': 'डीपीडीपी अधिनियम, धारा 12',
  'rights.kind.grievance.law': 'डीपीडीपी अधिनियम, धारा 13; रिज़र्व बैंक लोकपाल योजना',
  'rights.kind.nomination': 'नामित व्यक्ति चुनें',
  'rights.kind.nomination.body': 'उस व्यक्ति का नाम दें जो आपकी मृत्यु होने पर या आपके खुद कुछ न कर पाने पर आपके लिए ये अधिकार इस्तेमाल कर सके।',
  'rights.kind.nomination.law': 'डीपीडीपी अधिनियम, धारा 14',
  'rights.kind.human_review.law': 'ऋणदाता से अनुरोध',

  'rights.about': 'यह किस बारे में है?',
  'rights.about.none': 'मेरी जानकारी, कुल मिलाकर',
  'rights.about.signal': 'एक तरह की जानकारी',
  'rights.about.offer': 'एक पेशकश',
  'rights.about.consent': 'एक सहमति',
  'rights.about.pickSignal': 'कौन-सी जानकारी',
  'rights.about.pickOffer': 'कौन-सी पेशकश',
  'rights.about.pickConsent': 'कौन-सी सहमति',
  'rights.about.offerOption': '{date} की पेशकश',
  'rights.about.consentOption': '{purpose}, {date} को दी गई',
  'rights.about.nothing': 'अभी चुनने को कुछ नहीं है।',
  'rights.about.shown': 'विषय: {what}',

  'rights.correction.title': 'खाता की जानकारी में {lender} के पास क्या है',
  'rights.correction.bin': '{date} की पेशकश में उसने आपकी {signal} को “{bin}” माना।',
  'rights.correction.noBin': 'अभी तक किसी पेशकश में आपकी {signal} नहीं गिनी गई।',
  'rights.correction.lastCollected': 'उसने आख़िरी बार {date} को इसे लेने की बात बताई।',
  'rights.correction.neverCollected': 'उसने इसे लेने की बात नहीं बताई है।',
  'rights.correction.hint': 'विवरण में लिखें कि सही क्या है।',

  'rights.nominee.title': 'आपका नामित व्यक्ति',
  'rights.nominee.name': 'नाम',
  'rights.nominee.relationship': 'आपसे रिश्ता',
  'rights.nominee.contact': 'फ़ोन नंबर या ईमेल',

  'rights.clocks': 'समय सीमाएँ',
  'rights.clock.source.rbi-ombudsman-30d': 'रिज़र्व बैंक के नियम',
  'rights.clock.source.dpdp-grievance-90d': 'डीपीडीपी नियम',
  'rights.clock.source.dpdp-rights-not-notified': 'डीपीडीपी नियम',
  'rights.clock.due': 'जवाब {date} तक आना चाहिए — {source}, {days} दिन',
  'rights.clock.overdue': 'जवाब {date} तक आना था — {source}, {days} दिन। समय बीत गया।',
  'rights.clock.notNotified': 'इस अनुरोध के जवाब की कोई अवधि अभी तय नहीं है — {source}',
  'rights.clock.detail': '{law}, {clause}; {asOf} को जाँचा गया।',
  'rights.clock.inForce': 'ये नियम {date} से लागू होंगे।',
  'rights.clock.lenderDue': 'ऋणदाता की अपनी तारीख़: {date}',
  'rights.clock.started': '{date} से गिना गया, जब आपने पहली बार पूछा।',

  'rights.next.title': 'अब आप क्या कर सकते हैं',
  'rights.next.lead': '{lender} ने समय पर जवाब नहीं दिया। अगला कदम चुनें, लिखा हुआ पढ़ें और बदलें, फिर सबूत के साथ सहेजें।',
  'rights.next.open': 'मैं क्या कर सकता हूँ?',
  'rights.next.step.lender_grievance': 'उसके शिकायत अधिकारी को फिर से लिखें',
  'rights.next.step.rbi_ombudsman': 'रिज़र्व बैंक लोकपाल से शिकायत करें',
  'rights.next.step.data_protection_board': 'डेटा संरक्षण बोर्ड से शिकायत करें',
  'rights.next.portal': 'इसे {portal} पर दर्ज करें: वहाँ ऋणदाता, आपकी पहली शिकायत की तारीख़, ऋणदाता का टिकट, क्या हुआ और आप क्या चाहते हैं, पूछा जाता है।',
  'rights.next.noPortal': 'इसे सबूत के साथ भेजें; एक प्रति अपने पास रखें।',
  'rights.next.text': 'लिखा हुआ',
  'rights.next.save': 'सबूत के साथ सहेजें…',
  'rights.next.saved': '{files} फ़ाइलें {path} में सहेजी गईं।',
  'rights.next.calendar': 'समय सीमाएँ मेरे कैलेंडर में जोड़ें…',
  'rights.next.calendarSaved': 'कैलेंडर {path} में सहेजा गया।',
  'rights.next.close': 'बंद करें',

  'rights.letter.followUp':
    'सेवा में: शिकायत अधिकारी, {lender}\nतारीख़: {date}\nविषय: याद दिलाना — {first} का मेरा अनुरोध (टिकट {ticket}) अब तक अनुत्तरित है\n\nप्रिय शिकायत अधिकारी,\n\n{first} को मैंने आपसे अनुरोध किया था: {kind}।\nमेरे शब्द थे: “{details}”\n\n{clock}\nमुझे कोई जवाब नहीं मिला है।\n\nकृपया 7 दिनों के भीतर जवाब दें। जवाब न मिलने पर मैं आगे कदम उठाऊँगा: {next}।\n\nभवदीय,\n\n{name}\n{contact}',
  'rights.letter.rbi':
    'सेवा में: रिज़र्व बैंक लोकपाल (शिकायत प्रबंधन प्रणाली, cms.rbi.org.in)\nतारीख़: {date}\n\nजिसके विरुद्ध शिकायत है: {lender}{registration}\nशिकायतकर्ता: {name}, {contact}\n\n1. ऋणदाता से पहली शिकायत की तारीख़: {first}\n2. ऋणदाता का टिकट: {ticket}\n3. क्या हुआ: {first} को मैंने {lender} से अनुरोध किया: {kind}। मेरे शब्द थे: “{details}”। ऋणदाता के पास जवाब देने के लिए 30 दिन थे; वे {due} को पूरे हो गए और मुझे कोई जवाब नहीं मिला।\n4. मैं क्या चाहता हूँ: {lender} मेरे अनुरोध का जवाब दे और उस पर कार्रवाई करे, और [आप और जो माँगते हैं]।\n5. साथ में: मेरा अनुरोध, ऋणदाता की हस्ताक्षरित पावती और खाता में रखे सबूत ({findings} गड़बड़ियाँ)।\n\nमेरी जानकारी में यह शिकायत किसी अदालत, न्यायाधिकरण या दूसरे मंच के सामने नहीं है।\n\n{name}',
  'rights.letter.dpb':
    'सेवा में: भारतीय डेटा संरक्षण बोर्ड\nतारीख़: {date}\n\nजिसके विरुद्ध शिकायत है: {lender}, एक डेटा न्यासी{registration}\nशिकायतकर्ता: {name}, {contact}\n\n1. {first} को मैंने डिजिटल व्यक्तिगत डेटा संरक्षण अधिनियम, 2023 की धारा 13 के तहत {lender} से शिकायत की (टिकट {ticket})। मेरे शब्द थे: “{details}”\n2. डिजिटल व्यक्तिगत डेटा संरक्षण नियम, 2025 (नियम 14(3)) शिकायत के जवाब के लिए अधिक से अधिक 90 दिन देते हैं; वे {due} को पूरे हो गए और मुझे कोई जवाब नहीं मिला।\n3. मैं क्या चाहता हूँ: {lender} मेरी शिकायत का जवाब दे और उस पर कार्रवाई करे, और [आप और जो माँगते हैं]।\n4. साथ में: मेरी शिकायत, ऋणदाता की हस्ताक्षरित पावती और खाता में रखे सबूत ({findings} गड़बड़ियाँ)।\n\n{name}',
  'rights.letter.nameMissing': '[आपका नाम: इसे “आपकी जानकारी” में जोड़ें]',
  'rights.letter.contactMissing': '[आपका मोबाइल नंबर या ईमेल: इसे “आपकी जानकारी” में जोड़ें]',
  'rights.letter.noTicket': 'नहीं दिया गया',
  'rights.letter.registration': ' (पंजीकरण {registration})',
  'rights.letter.clock': '{source} के अनुसार आपको {date} तक जवाब देना था।',
  'rights.letter.noClock': 'आपने {date} तक जवाब देने को कहा था।',
  'rights.letter.next.rbi_ombudsman': 'रिज़र्व बैंक लोकपाल से शिकायत',
  'rights.letter.next.data_protection_board': 'भारतीय डेटा संरक्षण बोर्ड से शिकायत',
  'rights.letter.next.lender_grievance': 'डिजिटल व्यक्तिगत डेटा संरक्षण अधिनियम, 2023 की धारा 13 के तहत शिकायत',

  'rights.calendar.summary': '{lender} से जवाब की आख़िरी तारीख़: {kind}',
  'rights.calendar.description': '{source}, {start} से {days} दिन। टिकट {ticket}। जवाब न आने पर खाता अगला कदम लिखने में मदद कर सकता है।',
};

export default rightsHi;
