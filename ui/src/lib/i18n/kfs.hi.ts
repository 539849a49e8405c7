/** Hindi messages of the Key Fact Statement; the same keys as `kfs.en.ts`, spread into `hi.ts`. */
import type kfsEn from './kfs.en';

const kfsHi: Record<keyof typeof kfsEn, string> = {
  'kfs.title': 'कर्ज़ की मुख्य बातें',
  'kfs.lead':
    'रिज़र्व बैंक के नियम से ऋणदाता को आपके हस्ताक्षर से पहले ये बातें बतानी होती हैं। खाता सालाना दर को किस्तों की सूची से खुद जाँचता है।',
  'kfs.missing':
    'ऋणदाता ने इस ऑफ़र के साथ मुख्य बातें नहीं भेजीं: न सालाना दर, न शुल्क, न किस्तों की सूची, न शिकायत अधिकारी। रिज़र्व बैंक के नियम से हस्ताक्षर से पहले ये ज़रूरी हैं, इसलिए ऋणदाता से माँगें।',
  'kfs.apr': 'सालाना प्रतिशत दर (सब कुछ मिलाकर)',
  'kfs.apr.hint': 'ब्याज और हर शुल्क एक साथ, सालाना दर के रूप में। कर्ज़ों की तुलना इसी से करें।',
  'kfs.apr.stated': '{rate} सालाना, जैसा ऋणदाता बताता है',
  'kfs.apr.khata': 'खाता का अपना हिसाब: {rate} सालाना',
  'kfs.apr.match': 'यह किस्तों की सूची से मेल खाती है।',
  'kfs.apr.mismatch':
    'यह मेल नहीं खाती। किस्तें और आपको मिलने वाली रकम {khata} सालाना बनाती हैं, ऋणदाता की बताई {stated} नहीं: कर्ज़ ऋणदाता के कहे से {direction, select, more {महँगा} other {सस्ता}} है।',
  'kfs.apr.how':
    'खाता ने ऐसे हिसाब लगाया: आपको {disbursed} मिलते हैं और आप {count, plural, one {# किस्त} other {# किस्तें}} चुकाते हैं, कुल {repaid}। {monthly} प्रति माह की दर पर ये किस्तें ठीक उतनी बैठती हैं जितना आपको मिलता है; {monthly} × 12 = {khata} सालाना। यही रिज़र्व बैंक का तरीका है।',
  'kfs.apr.unknown':
    'खाता सालाना दर नहीं निकाल सका: इस विवरण में कोई किस्त नहीं है, या आपको कुछ नहीं मिलता।',
  'kfs.rate': 'ब्याज दर',
  'kfs.rate.month': '{rate} प्रति माह ({yearly} सालाना)',
  'kfs.rate.year': '{rate} सालाना',
  'kfs.loan': 'कर्ज़ की रकम',
  'kfs.fees': 'शुल्क',
  'kfs.fees.none': 'कोई नहीं',
  'kfs.fee.processing': 'प्रोसेसिंग शुल्क (जीएसटी सहित)',
  'kfs.fee.insurance': 'बीमा',
  'kfs.fee.documentation': 'कागज़ी कार्रवाई का शुल्क',
  'kfs.fee.stamp-duty': 'स्टांप शुल्क',
  'kfs.fee.other': 'दूसरे शुल्क',
  'kfs.fee.value': '{amount}, {upfront, select, yes {रकम देने से पहले कर्ज़ में से काटा जाता है} other {किस्तों में जोड़ा जाता है}}',
  'kfs.disbursed': 'आपको मिलने वाली रकम',
  'kfs.total': 'आप कुल कितना चुकाएँगे',
  'kfs.coolingOff': 'सोचने की मोहलत',
  'kfs.coolingOff.value':
    '{days, plural, one {# दिन} other {# दिन}}। इस दौरान आप रकम और जितने दिन वह आपके पास रही उनका ब्याज चुकाकर कर्ज़ छोड़ सकते हैं, बिना किसी जुर्माने के।',
  'kfs.lender': 'ऋणदाता (रिज़र्व बैंक के नियमों के तहत)',
  'kfs.lender.value': '{name}, पंजीकरण {registration}',
  'kfs.lsp': 'कर्ज़ सेवा देने वाला',
  'kfs.lsp.app': '{name}, ऐप {app}',
  'kfs.grievance': 'शिकायत अधिकारी',
  'kfs.schedule': 'किस्तों की सूची (ईएमआई)',
  'kfs.schedule.caption': 'हर किस्त, वह कब देनी है, और उसमें कितना मूलधन और कितना ब्याज है',
  'kfs.schedule.number': 'क्रम',
  'kfs.schedule.due': 'देय तारीख',
  'kfs.schedule.amount': 'किस्त',
  'kfs.schedule.principal': 'मूलधन',
  'kfs.schedule.interest': 'ब्याज',
  'kfs.schedule.more': '{count, plural, one {# और किस्त नहीं दिखाई गई} other {# और किस्तें नहीं दिखाई गईं}}।',
  'kfs.inconsistent': 'इस विवरण के आँकड़े आपस में नहीं मिलते: {checks}।',
  'kfs.check.noSchedule': 'किस्तों की कोई सूची नहीं है',
  'kfs.check.totalPayable': 'कुल चुकाने की रकम किस्तों का जोड़ नहीं है',
  'kfs.check.instalmentSplit': 'एक किस्त उसके मूलधन और ब्याज का जोड़ नहीं है',
  'kfs.check.principalSum': 'चुकाया गया मूलधन कर्ज़ की रकम के बराबर नहीं है',
  'kfs.check.disbursed': 'आपको मिलने वाली रकम कर्ज़ में से पहले काटे गए शुल्क घटाकर नहीं बनती',
  'kfs.check.loanAmount': 'कर्ज़ की रकम ऑफ़र की रकम नहीं है',
  'audit.rule.kfs-apr-mismatch': 'कर्ज़ ऋणदाता की बताई मुख्य बातों से ज़्यादा महँगा है',
  'audit.rule.kfs-inconsistent': 'ऋणदाता की मुख्य बातों के आँकड़े आपस में नहीं मिलते',
  'audit.rule.kfs-missing': 'स्वीकृत कर्ज़ के साथ रिज़र्व बैंक की ज़रूरी मुख्य बातें नहीं आईं',
  'audit.fact.kfsAprMismatch':
    '{lender} सालाना दर {stated} बताता है। उसकी {count, plural, one {# किस्त} other {# किस्तें}} (कुल {repaid}) उसके दिए {disbursed} के बराबर {monthly} प्रति माह की दर पर बैठती हैं; {monthly} × 12 = {khata} सालाना (रिज़र्व बैंक का तरीका; {tolerance} तक का अंतर चलता है)।',
  'audit.fact.kfsInconsistent':
    '{lender} के ऑफ़र की मुख्य बातों में {check}{instalment, select, none {} other { (किस्त {instalment})}}: विवरण में {stated} लिखा है, उसके अपने आँकड़ों से {expected} बनता है।',
  'audit.fact.kfsMissing':
    '{lender} ने {amount} {rate} प्रति माह पर स्वीकृत किया, पर मुख्य बातें नहीं दीं: न शुल्क सहित सालाना दर, न किस्तों की सूची, न कुल चुकाने की रकम, न सोचने की मोहलत, न शिकायत अधिकारी।',
};

export default kfsHi;
