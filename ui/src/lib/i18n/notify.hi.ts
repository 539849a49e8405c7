import type notifyEn from './notify.en';

/** Hindi messages for staying informed and for revoking explained; same keys as `notify.en.ts`. */
const notifyHi: Record<keyof typeof notifyEn, string> = {
  'notify.title.collection-after-revocation': '{lender} ने सहमति वापस लेने के बाद जानकारी ली',
  'notify.body.collection-after-revocation':
    '{signal, select, none {आपकी सहमति वापस लेने के बाद भी {lender} ने आपकी जानकारी ली।} other {आपकी सहमति वापस लेने के बाद भी {lender} ने “{signal}” ली।}} सबूत जाँच में देखें।',
  'notify.title.new-finding': '{lender} के साथ नई गड़बड़ी मिली',
  'notify.body.new-finding': '{rule}। सबूत जाँच में देखें।',
  'notify.title.receipt-confirmed': '{lender} ने आपके अनुरोध की पुष्टि की',
  'notify.body.receipt-confirmed':
    '{action, select, pause {ऋणदाता ने हस्ताक्षर वाली रसीद से रोकने की पुष्टि की।} resume {ऋणदाता ने हस्ताक्षर वाली रसीद से फिर शुरू करने की पुष्टि की।} other {ऋणदाता ने हस्ताक्षर वाली रसीद से सहमति वापस लेने की पुष्टि की।}}',
  'notify.title.receipt-contradicted': '{lender} की रसीद आपके अनुरोध से मेल नहीं खाती',
  'notify.body.receipt-contradicted': 'खाता रसीद को सबूत के रूप में रखता है और अनुरोध भेजता रहता है।',
  'notify.title.request-overdue': '{lender} ने समय पर जवाब नहीं दिया',
  'notify.body.request-overdue': 'आपके अनुरोध का जवाब {due} तक देना था।',
  'notify.title.consent-expiring': '{lender} के साथ एक सहमति जल्द खत्म होगी',
  'notify.body.consent-expiring': 'यह {date} को खत्म होगी।',

  'settings.title': 'जानकारी मिलती रहे',
  'settings.backgroundSync': 'ऋणदाताओं से अपने-आप जानकारी लाएँ',
  'settings.backgroundSync.help':
    'खाता खुलने पर और चलते समय बीच-बीच में, खाता आपके ऋणदाताओं की गतिविधि ले आता है, ताकि बिना पूछे आपको गड़बड़ी का पता चले।',
  'settings.interval': 'हर (मिनट)',
  'settings.notifications': 'सूचनाएँ दिखाएँ',
  'settings.notifications.help': 'जब कोई ऋणदाता नियम तोड़े, आपको जवाब दे या देर करे, तब सूचना।',
  'settings.save': 'सहेजें',
  'settings.saved': 'सहेज दिया।',
  'settings.loading': 'सेटिंग खुल रही हैं…',

  'home.sync.paused': 'अपने-आप जानकारी लाना रुका हुआ है। खाता तभी जानकारी लाता है जब आप “अभी सिंक करें” दबाते हैं।',
  'home.sync.background': 'पीछे से जानकारी आ रही है…',
  'home.findings.title': 'जाँच में मिली गड़बड़ियाँ',
  'home.findings.more': '{count, plural, one {और # गड़बड़ी} other {और # गड़बड़ियाँ}}',
  'home.findings.item': '{lender}: {rule}',
  'home.findings.itemSignal': '{lender}: {rule} ({signal})',
  'home.findings.open': 'जाँच देखें',
  'alert.consent_requests_pending':
    '{count, plural, one {सहमति का एक अनुरोध आपके फ़ैसले का इंतज़ार कर रहा है।} other {सहमति के # अनुरोध आपके फ़ैसले का इंतज़ार कर रहे हैं।}}',
  'alert.consent_expiring': 'एक सहमति एक हफ़्ते में खत्म होगी।',
  'alert.rights_request_overdue': 'एक ऋणदाता ने आपके अधिकार वाले अनुरोध का जवाब समय पर नहीं दिया।',
  'home.closed.title': 'खत्म हो चुके कर्ज़',
  'home.closed.body':
    '{count, plural, one {{lender} के साथ आपका कर्ज़ {date} को खत्म हो गया, पर उसके पास अब भी एक चालू सहमति है।} other {{lender} के साथ आपका कर्ज़ {date} को खत्म हो गया, पर उसके पास अब भी # चालू सहमतियाँ हैं।}}',
  'home.closed.revoke': '{lender} से सब कुछ वापस लें',
  'home.closed.confirm.title': 'सब कुछ वापस लें?',
  'home.closed.confirm.body':
    '{count, plural, one {खाता {lender} को सहमति वापस लेने का एक अनुरोध भेजेगा।} other {खाता {lender} को हर सहमति के लिए एक, कुल # अनुरोध भेजेगा।}} इसके बाद ऋणदाता आपसे कोई जानकारी नहीं ले सकेगा।',
  'home.closed.confirm.yes': 'हाँ, सब वापस लें',
  'home.closed.done': 'अनुरोध दर्ज हो गए; {lender} के पुष्टि करने तक खाता इन्हें भेजता रहेगा।',

  'revoke.stops': 'क्या रुकेगा',
  'revoke.stops.body': '{lender} अब यह जानकारी नहीं ले सकेगा: {signals}।',
  'revoke.kept': 'ऋणदाता क्या रख सकता है',
  'revoke.kept.until': '“{signal}”, आख़िरी बार {last} को ली गई: {until} तक रखी जा सकती है।',
  'revoke.kept.forever': '“{signal}”, आख़िरी बार {last} को ली गई: सहमति में कोई आख़िरी तारीख नहीं है।',
  'revoke.kept.none': 'ऋणदाता ने इसमें से कुछ भी लेने का खुलासा नहीं किया है।',
  'revoke.kept.life': 'आपकी सहमति के अनुसार ऋणदाता हर बार ली गई जानकारी {life} तक रख सकता है।',
  'revoke.erase': 'ऋणदाता से यह भी कहें कि उसके पास जो जानकारी है उसे मिटा दे',
  'revoke.erase.details':
    'मैंने सहमति {consent} वापस ले ली है। कृपया इसके तहत मेरी जो निजी जानकारी आपके पास है, उसे मिटा दें।',
  'revoke.erase.filed': 'मिटाने का अनुरोध भेज दिया; इसे “अधिकार” में देखें।',
  'revoke.loading': 'पता लगा रहे हैं कि ऋणदाता क्या रख सकता है…',
  'revoke.life.day': '{value, plural, one {# दिन} other {# दिन}}',
  'revoke.life.month': '{value, plural, one {# महीना} other {# महीने}}',
  'revoke.life.year': '{value, plural, one {# साल} other {# साल}}',
};

export default notifyHi;
