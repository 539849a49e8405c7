import type miscEn from './misc.en';

/** Hindi messages of smaller screens' parts; typed against the English keys so none can go
 *  missing. */
const miscHi: Record<keyof typeof miscEn, string> = {
  'misc.dpv.title': 'DPV (डेटा निजता शब्दावली) का शब्द: {term}',
  'misc.dpv.any': 'हर तरह की जानकारी',
  'misc.unlock.details': 'तकनीकी ब्योरा',
  'misc.unlock.still': 'कीचेन तक अब भी नहीं पहुँचा जा सका। ऊपर का तकनीकी ब्योरा इसी कोशिश का है।',
  'misc.unlock.keychain.hint':
    'Linux पर इसका आम तौर पर मतलब है कि कोई कीचेन प्रोग्राम (जैसे GNOME Keyring, KWallet या KeePassXC) चल नहीं रहा, या वह बंद है।',
  'misc.recovery.check':
    'कुंजी में चार-चार अक्षरों के नौ समूह हैं। आख़िरी समूह कुंजी का हिस्सा नहीं है: वह जाँच के लिए है। जब आप कुंजी लिखेंगे, तो खाता उसी से तुरंत बता देगा कि कोई अक्षर ग़लत लिखा गया, छूट गया या आगे-पीछे हो गया है, तिजोरी खोलने की कोशिश से पहले ही। नौ के नौ समूह लिख लें।',
  'misc.scenario.label': 'जाँच के लिए: नमूना ऋणदाता कैसा बर्ताव करे',
  'misc.scenario.default': 'आम ऋणदाता',
  'misc.scenario.hint':
    'जाँच करने वाले यहाँ बर्ताव चुन सकते हैं। नमूना ऋणदाता पहली बार चालू होते ही यह तय हो जाता है।',
  'misc.scenario.salaried-good':
    'लंबे फ़ोन इतिहास वाला नौकरीपेशा कर्ज़दार; ठीक बर्ताव करने वाला ऋणदाता जो कर्ज़ मंज़ूर करता है।',
  'misc.scenario.thin-file': 'नया फ़ोन और नया सिम, इतिहास बहुत कम: छोटी रकम मंज़ूर।',
  'misc.scenario.declined': 'चूकी किस्तें, जुए के ऐप और कर्ज़ के कई ऐप: कर्ज़ नामंज़ूर।',
  'misc.scenario.over-collector':
    'सहमति से ज़्यादा जानकारी लेने वाला ऋणदाता: सहमति वापस लेने के बाद भी, मना की गई जानकारी, बिना सहमति के।',
  'misc.scenario.flaky': 'ठीक बर्ताव करने वाला ऋणदाता, पर नेटवर्क भरोसे का नहीं (देरी और गड़बड़ियाँ)।',
  'misc.scenario.wrong-apr': 'कर्ज़ मंज़ूर करने वाला ऋणदाता, जिसका मुख्य तथ्य विवरण (KFS) फ़ीस छोड़कर APR बताता है।',
};

export default miscHi;
