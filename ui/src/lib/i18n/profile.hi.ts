import type profileEn from './profile.en';

/** Hindi messages of Your details and of the grievance letter as a person sends it; typed
 *  against the English keys. */
const profileHi: Record<keyof typeof profileEn, string> = {
  'nav.profile': 'आपका विवरण',
  'profile.title': 'आपका विवरण',
  'profile.lead':
    'खाता आपके लिए जो पत्र लिखता है — शिकायत, ऋणदाता से कोई अनुरोध — उन पर यही विवरण होता है, ताकि ऋणदाता जाने कि पत्र किसका है और आपके रिकॉर्ड ढूँढ सके। यह विवरण इसी कंप्यूटर पर आपकी तिजोरी में रहता है।',
  'profile.section': 'आपके बारे में',
  'profile.fullName': 'पूरा नाम',
  'profile.phone': 'मोबाइल नंबर',
  'profile.email': 'ईमेल पता',
  'profile.language': 'आपके पत्रों की भाषा',
  'profile.language.app': 'वही भाषा जिसमें खाता दिख रहा है',
  'profile.language.en': 'English (अंग्रेज़ी)',
  'profile.language.hi': 'हिन्दी',
  'profile.customerIds': 'हर ऋणदाता के यहाँ आपकी ग्राहक आईडी',
  'profile.customerIds.lead':
    'ऋणदाता आपके रिकॉर्ड उस ग्राहक आईडी से ढूँढता है जो उसने आपको दी है। जहाँ ऋणदाता ने अपनी हस्ताक्षरित सहमति में आईडी दी है, वह पहले से भरी है।',
  'profile.customerId.fromConsent': '{lender} की हस्ताक्षरित सहमति से: {id}',
  'profile.noLenders': 'ग्राहक आईडी जोड़ने के लिए पहले किसी ऋणदाता से जुड़ें।',
  'profile.save': 'विवरण सहेजें',
  'profile.saving': 'सहेजा जा रहा है…',
  'profile.saved': 'आपका विवरण सहेज लिया गया।',
  'profile.nominee.section': 'आपका नामांकित व्यक्ति',
  'profile.nominee.lead':
    'डिजिटल व्यक्तिगत डेटा संरक्षण अधिनियम, 2023 की धारा 14 के तहत आप किसी व्यक्ति को नामांकित कर सकते हैं, जो आपकी मृत्यु होने पर या आपके खुद कुछ न कर पाने पर आपकी जानकारी से जुड़े आपके अधिकारों का इस्तेमाल कर सके। खाता यह रखता है कि वह कौन है और आपने उसे कब नामांकित किया, और उसके लिए एक पैकेट बनाता है: नामांकन पत्र, चालू सहमतियाँ और अनुरोध, और आपके रिकॉर्ड ऐसे रूप में जिसे कोई भी जाँच सके।',
  'profile.nominee.name': 'नामांकित व्यक्ति का पूरा नाम',
  'profile.nominee.relationship': 'आपसे उनका रिश्ता',
  'profile.nominee.contact': 'नामांकित व्यक्ति का मोबाइल नंबर या ईमेल',
  'profile.nominee.recorded': '{date} को नामांकित किया।',
  'profile.nominee.none': 'आपने अभी किसी को नामांकित नहीं किया है।',
  'profile.nominee.save': 'नामांकित व्यक्ति सहेजें',
  'profile.nominee.saved': 'नामांकित व्यक्ति सहेज लिया गया।',
  'profile.nominee.remove': 'नामांकन हटाएँ',
  'profile.nominee.removed': 'नामांकन हटा दिया गया।',
  'profile.packet.title': 'नामांकित व्यक्ति के लिए पैकेट',
  'profile.packet.lead':
    'आपके नामांकित व्यक्ति के लिए एक zip फ़ाइल: नीचे दिया नामांकन पत्र, उनका विवरण, चालू सहमतियाँ और अनुरोध, और आपके रिकॉर्ड का निर्यात, जिसे खाता में "निर्यात जाँचें" (या khata verify कमांड) से जाँचा जा सकता है।',
  'profile.packet.lender': 'किसके लिए',
  'profile.packet.allLenders': 'सभी ऋणदाता',
  'profile.packet.letter': 'नामांकन पत्र',
  'profile.packet.save': 'नामांकन पैकेट सहेजें…',
  'profile.packet.saved': '{files} फ़ाइलें {path} में सहेजी गईं: {consents, plural, one {# चालू सहमति} other {# चालू सहमतियाँ}}, {requests, plural, one {# खुला अनुरोध} other {# खुले अनुरोध}}।',
  'profile.packet.needsNominee': 'पहले किसी को नामांकित करें: पैकेट उन्हीं के लिए है।',
  'profile.packet.needsName': 'पहले ऊपर अपना नाम सहेजें: नामांकन पत्र पर आपका नाम होता है।',
  'nomination.letter.to': 'सेवा में: शिकायत अधिकारी, {lender}',
  'nomination.letter.toAll': 'सेवा में: उन ऋणदाताओं के शिकायत अधिकारी जिनसे मेरा लेन-देन है',
  'nomination.letter.date': 'दिनांक: {date}',
  'nomination.letter.subject': 'विषय: डिजिटल व्यक्तिगत डेटा संरक्षण अधिनियम, 2023 की धारा 14 के तहत नामांकन',
  'nomination.letter.greeting': 'आदरणीय शिकायत अधिकारी,',
  'nomination.letter.body':
    'मैं, {name}, {nominee} ({relationship}, संपर्क: {contact}) को नामांकित करता/करती हूँ कि मेरी मृत्यु होने पर या मेरे खुद कुछ न कर पाने पर वे डिजिटल व्यक्तिगत डेटा संरक्षण अधिनियम, 2023 के तहत मेरी व्यक्तिगत जानकारी से जुड़े मेरे अधिकारों का इस्तेमाल करें। मैंने उन्हें {date} को नामांकित किया।',
  'nomination.letter.customerId': '{lender} के यहाँ मेरी ग्राहक आईडी {id} है।',
  'nomination.letter.enclosed':
    'साथ में वे सहमतियाँ हैं जो मैंने दी थीं और अभी चालू हैं, मेरे खुले अनुरोध, और खाता में रखे मेरे रिकॉर्ड, khata-export.json में।',
  'nomination.letter.verify':
    'इन रिकॉर्ड को कोई भी जाँच सकता है: khata-export.json को खाता में "निर्यात जाँचें" से खोलें, या "khata verify khata-export.json" चलाएँ। यह ऋणदाता के हर हस्ताक्षरित कथन को उसकी प्रकाशित कुंजियों से और मेरे रिकॉर्ड की कड़ी को जाँचता है, और जो भी बदला गया हो उसे बताता है।',
  'nomination.letter.closing': 'भवदीय,',
  'grievance.letter.intro': 'मैं {name}, {lender} का/की ग्राहक हूँ।',
  'grievance.letter.consentRef': 'क्रमांक {n}',
  'grievance.letter.phone': 'मोबाइल: {phone}',
  'grievance.letter.email': 'ईमेल: {email}',
  'grievance.letter.references': 'संदर्भ',
  'grievance.letter.ref.customerId': '{lender} के यहाँ मेरी ग्राहक आईडी: {id}',
  'grievance.letter.ref.consent': 'सहमति क्रमांक {n}: {id}',
  'grievance.letter.ref.finding': 'समस्या {index} (नियम {rule}): {records}',
  'grievance.letter.ref.phoneFile': 'फ़ोन फ़ाइल {file}: SHA-256 {sha}',
  'grievance.summary.rule': '{index}. [{severity}] {title}: {count, plural, one {एक बार} other {{n} बार}}',
  'grievance.summary.full':
    'पूरा पत्र, हर समस्या, उसकी तारीखों और रिकॉर्ड के साथ, {chars} अक्षरों का है, जो आपके फ़ॉर्म की सीमा से ज़्यादा है। मैं उसे हस्ताक्षरित सबूतों के साथ शिकायत पैकेट में आपको भेज रहा/रही हूँ।',
  'audit.fact.observed.fileNoHash': 'यह {file} में दिखा ({format})।',
  'audit.fact.observed.fileMadeNoHash': 'यह {file} में दिखा ({format}, {made} को बनी)।',
  'audit.fact.prohibitedByLenderNoFlag':
    '{lender} ने {when} आपकी “{signal}” जानकारी ली। ऋणदाता ने खुद इसे ऐसी जानकारी बताया है जो ऋणदाता नहीं ले सकते।',
  'audit.fact.counterfactualNoId':
    'ऑफ़र का स्कोर {offerScore} है। {withheld} के बिना स्कोर {expected} होना चाहिए ({changes}), पर "अगर ऐसा हो तो" वाले अनुमान में {quoteScore} लिखा है।',
  'grievance.flow.name.lead': 'पत्रों पर आपका नाम होता है। इस पत्र पर कौन-सा नाम हो? यह "आपका विवरण" में रखा जाएगा।',
  'grievance.flow.name': 'आपका पूरा नाम',
  'grievance.flow.customerId': '{lender} के यहाँ आपकी ग्राहक आईडी (अगर पता हो)',
  'grievance.flow.name.save': 'इस नाम से हस्ताक्षर करें',
  'grievance.flow.edit.label': 'पत्र — भेजने से पहले कोई भी शब्द बदलें',
  'grievance.flow.preview': 'पूर्वावलोकन',
  'grievance.flow.edit': 'बदलें',
  'grievance.flow.reset': 'मसौदे से फिर शुरू करें',
  'grievance.flow.next': '{lender} के पास दर्ज करें…',
  'grievance.flow.whole': 'पूरा पत्र ({chars} अक्षर) {lender} के पास दर्ज होगा।',
  'grievance.flow.summary':
    'आपका पत्र {chars} अक्षरों का है; {lender} का फ़ॉर्म ज़्यादा से ज़्यादा {max} अक्षर लेता है। नीचे दिया सारांश दर्ज होगा, और पूरा पत्र शिकायत पैकेट में जाएगा: उसे सहेजकर शिकायत अधिकारी को भेजें।',
  'grievance.flow.summary.title': 'जो दर्ज होगा',
  'grievance.flow.confirm': 'क्या इसे {lender} के शिकायत अधिकारी के पास दर्ज करें?',
  'grievance.flow.confirm.body':
    'खाता इसे {lender} के अपने सिस्टम से भेजता है। ऋणदाता एक टिकट और तारीख देता है, जिसे आप "आपके अधिकार" में देख सकते हैं।',
  'grievance.flow.confirm.yes': 'हाँ, दर्ज करें',
  'grievance.flow.back': 'वापस',
  'grievance.flow.empty': 'पत्र खाली है।',
};

export default profileHi;
