import type consentEn from './consent.en';

/** Hindi messages of consent by clear choice; typed against the English keys so none can go missing. */
const consentHi: Record<keyof typeof consentEn, string> = {
  'consent.share': 'साझा करें',
  'consent.dontShare': 'साझा न करें',
  'consent.choiceLabel': '“{signal}” ऋणदाता से साझा करें?',
  'consent.shareNone': 'कुछ भी साझा न करें',
  'consent.shareNeeded': 'सिर्फ़ ज़रूरी जानकारी साझा करें',
  'consent.needed': 'फ़ैसले के लिए ज़रूरी',
  'consent.prohibitedWarning': 'RBI ऋण ऐप को यह जानकारी लेने से रोकता है। आप फिर भी इसे साझा कर सकते हैं, पर किसी ऋणदाता को इसकी ज़रूरत नहीं है।',
  'consent.start': 'जब तक आप “साझा करें” नहीं चुनते, कुछ भी साझा नहीं होता।',
  'consent.quote.title': 'इन चुनावों पर ऋणदाता क्या देगा',
  'consent.quote.loading': 'ऋणदाता से पूछ रहे हैं कि इन चुनावों पर आपको क्या मिलेगा…',
  'consent.quote.error': 'ऋणदाता इन चुनावों का अनुमान नहीं दे सका ({error})। आप फिर भी फ़ैसला कर सकते हैं।',
  'consent.quote.approved': 'अनुमान: {months, plural, one {# महीने} other {# महीनों}} के लिए {amount} मंज़ूर',
  'consent.quote.declined': 'अनुमान: मना',
  'consent.quote.rate': 'ब्याज: {monthly} महीने का (लगभग {annual} साल का, शुल्क से पहले)',
  'consent.quote.score': 'स्कोर: {score}',
  'consent.quote.signed': 'ऋणदाता के हस्ताक्षर वाले अनुमान {id} से, सबूत के तौर पर रखा गया।',
  'consent.cost.adds': 'इसे साझा करने से {points, plural, one {# अंक} other {# अंक}} बढ़ते हैं',
  'consent.cost.costs': 'इसे साझा करने से {points, plural, one {# अंक} other {# अंक}} घटते हैं',
  'consent.cost.none': 'इसे साझा करने से आपका स्कोर नहीं बदलता',
  'consent.refuseAsk': 'आप कुछ भी साझा नहीं कर रहे। इससे यह अनुरोध मना हो जाता है।',
  'consent.refuseConfirm': 'अनुरोध मना करें',
  'consent.refuseBack': 'वापस जाएँ',
  'consent.refused': 'आपने {lender} का अनुरोध मना कर दिया। कुछ भी साझा नहीं हुआ।',
  'audit.rule.quote-offer-mismatch': 'ऑफ़र वह नहीं है जिसका अनुमान ऋणदाता ने आपकी सहमति से पहले दिया था',
  'audit.fact.quoteOffer': '{lender} का ऑफ़र {offer} उस अनुमान {quote} से अलग है जो उसने इन्हीं चुनावों पर आपकी सहमति से पहले हस्ताक्षर करके दिया था: {differences}।',
  'audit.fact.quoteOffer.decision': 'फ़ैसला अनुमान में {quote}, ऑफ़र में {offer}',
  'audit.fact.quoteOffer.amountInr': 'रक़म अनुमान में {quote}, ऑफ़र में {offer}',
  'audit.fact.quoteOffer.aprMonthlyBps': 'ब्याज अनुमान में {quote} महीने का, ऑफ़र में {offer} महीने का',
  'audit.fact.quoteOffer.score': 'स्कोर अनुमान में {quote}, ऑफ़र में {offer}',
  'audit.fact.quoteOffer.approved': 'मंज़ूर',
  'audit.fact.quoteOffer.declined': 'मना',
};

export default consentHi;
