import type phoneEn from './phone.en';

/** Hindi messages of the phone evidence; typed against the English keys so none can go missing. */
const phoneHi: Record<keyof typeof phoneEn, string> = {
  'nav.phone': 'आपका फ़ोन',
  'phone.title': 'आपका फ़ोन',
  'phone.lead':
    'आपका फ़ोन खुद दर्ज करता है कि किस ऐप ने आपके संपर्क, लोकेशन, कैमरा और बाकी चीज़ें कब इस्तेमाल कीं। वह रिकॉर्ड यहाँ लाइए, खाता उसे ऋणदाता की बताई बातों से मिलाकर जाँचता है।',
  'phone.guide.label': 'अपने फ़ोन का रिकॉर्ड कैसे निकालें',
  'phone.tab.ios': 'iPhone',
  'phone.tab.android': 'Android',
  'phone.ios.step1': 'iPhone पर “Settings › Privacy & Security › App Privacy Report” खोलें।',
  'phone.ios.step2': '“Turn On App Privacy Report” दबाएँ। यह तभी से दर्ज करना शुरू करता है, इसलिए इसे चालू रहने दें।',
  'phone.ios.step3': 'ऋणदाता का ऐप हमेशा की तरह इस्तेमाल करें। रिपोर्ट पिछले 7 दिन की बातें रखती है।',
  'phone.ios.step4': '“App Privacy Report” फिर से खोलें, सबसे नीचे जाएँ और “Save App Privacy Report” दबाएँ।',
  'phone.ios.step5':
    'फ़ाइल इस कंप्यूटर पर भेजें (AirDrop, खुद को ईमेल, या केबल से), फिर उसे नीचे चुनें या इस विंडो पर छोड़ दें।',
  'phone.ios.note':
    'फ़ाइल का नाम App_Privacy_Report_v4_….ndjson जैसा होता है। इससे पता चलता है कि ऐप ने कोई चीज़ इस्तेमाल की और कब की, यह नहीं कि उसने क्या पढ़ा।',
  'phone.android.step1':
    '“Settings › About phone” खोलें और “Build number” पर सात बार टैप करें। इससे “Developer options” चालू हो जाते हैं।',
  'phone.android.step2': '“Settings › System › Developer options” खोलें और “USB debugging” चालू करें।',
  'phone.android.step3': 'फ़ोन को ऐसी USB केबल से इस कंप्यूटर से जोड़ें जो डेटा ले जा सके।',
  'phone.android.step4':
    'फ़ोन का लॉक खोलें। जब वह पूछे “Allow USB debugging?”, देख लें कि यह यही कंप्यूटर है और “Allow” दबाएँ।',
  'phone.android.step5': 'नीचे “जुड़े हुए फ़ोन से रिकॉर्ड लें” दबाएँ।',
  'phone.android.step6':
    'काम पूरा होने पर “Developer options” में “USB debugging” फिर से बंद कर दें, ताकि कोई कंप्यूटर आपके फ़ोन तक न पहुँच सके।',
  'phone.android.bugreport':
    'बिना केबल के: “Developer options” में “Take bug report” दबाएँ, zip फ़ाइल इस कंप्यूटर पर भेजें और उसे नीचे चुनें। “dumpsys appops”, “cmd appops get” या “dumpsys package” के सहेजे गए आउटपुट भी चलते हैं।',
  'phone.android.note':
    'Android हर तरह के इस्तेमाल का सिर्फ़ आख़िरी बार रखता है, और लोकेशन, कैमरा और माइक्रोफ़ोन का थोड़ा-सा इतिहास।',

  'phone.import.title': 'फ़ोन की फ़ाइल आयात करें',
  'phone.import.choose': 'फ़ाइल चुनें',
  'phone.import.drop': 'या फ़ाइल को इस विंडो पर छोड़ दें',
  'phone.import.dropActive': 'फ़ाइल पढ़ने के लिए छोड़ दें',
  'phone.import.surveying': 'फ़ाइल पढ़ी जा रही है…',
  'phone.import.start': 'आयात करें',
  'phone.import.another': 'दूसरी फ़ाइल चुनें',
  'phone.import.progress': 'आयात की प्रगति',
  'phone.import.done': '{file} से {app} के {count, plural, one {# रिकॉर्ड} other {# रिकॉर्ड}} आयात हुए।',
  'phone.import.already': 'यह फ़ाइल ({file}) पहले ही आयात हो चुकी है; कुछ नया नहीं जुड़ा।',
  'phone.import.skipped': 'ये पंक्तियाँ पढ़ी नहीं जा सकीं और छोड़ दी गईं: {lines}',
  'phone.survey.title': 'इस फ़ाइल में क्या है',
  'phone.survey.file': 'फ़ाइल',
  'phone.survey.format': 'फ़ाइल का प्रकार',
  'phone.survey.lines': 'पंक्तियाँ',
  'phone.survey.covers': 'समय',
  'phone.survey.range': '{from} से {to} तक',
  'phone.survey.malformed':
    '{count, plural, one {# पंक्ति पढ़ी नहीं जा सकी} other {# पंक्तियाँ पढ़ी नहीं जा सकीं}} और छोड़ दी जाएँगी: {lines}।',
  'phone.survey.malformedMore':
    '{count, plural, one {# पंक्ति पढ़ी नहीं जा सकी} other {# पंक्तियाँ पढ़ी नहीं जा सकीं}} और छोड़ दी जाएँगी। पहली कुछ: {lines}।',
  'phone.survey.apps': 'ऋणदाता का ऐप कौन-सा है?',
  'phone.survey.records': '{count, plural, one {# रिकॉर्ड} other {# रिकॉर्ड}}',
  'phone.survey.declared': '{lender} ने बताया है कि यह उसका ऐप है',
  'phone.survey.noApps': 'इस फ़ाइल में किसी ऐप का कोई रिकॉर्ड नहीं है, इसलिए आयात करने को कुछ नहीं है।',
  'phone.survey.lender': 'ऋणदाता',
  'phone.survey.chooseLender': 'ऋणदाता चुनें',
  'phone.survey.timeZone': 'फ़ोन का समय क्षेत्र',
  'phone.survey.timeZoneHelp':
    'इस फ़ाइल के समय के साथ समय क्षेत्र नहीं लिखा है। वह क्षेत्र चुनें जिस पर फ़ोन चल रहा था (इस कंप्यूटर का क्षेत्र पहले से चुना है)। इस फ़ाइल का हर समय इसी के साथ दिखाया जाएगा।',
  'phone.survey.thisComputer': '{offset} (यह कंप्यूटर)',

  'phone.error.phone_unknown_format':
    'खाता इस फ़ाइल को नहीं पहचानता। वह ये पढ़ता है: iPhone की “App Privacy Report” (.ndjson); Android के “dumpsys appops”, “cmd appops get” और “dumpsys package” के टेक्स्ट के रूप में सहेजे आउटपुट; Android की bug report (.zip); और खाता के अपने लिए रिकॉर्ड।',
  'phone.error.phone_needs_time_zone':
    'इस फ़ाइल के समय के साथ समय क्षेत्र नहीं है। फ़ोन का समय क्षेत्र चुनें, फिर दोबारा आयात करें।',
  'phone.error.phone_choose_app': 'खाता समझ नहीं पाया कि ऋणदाता का ऐप कौन-सा है। ऐप बताइए, फिर दोबारा कोशिश करें।',
  'phone.error.phone_app_not_in_file':
    'यहाँ ऋणदाता के ऐप का कोई रिकॉर्ड नहीं है। ऐप का नाम जाँचें, या ऐप इस्तेमाल करने के बाद नई रिपोर्ट सहेजें।',
  'phone.error.phone_app_not_installed':
    'यह ऐप इस फ़ोन पर नहीं है। ऋणदाता का ऐप चुनें, या खाली छोड़ें ताकि खाता ऋणदाता का बताया हुआ ऐप ले।',
  'phone.error.adb_choose_app':
    'खाता को इस फ़ोन पर किसी जुड़े हुए ऋणदाता का ऐप नहीं मिला। फ़ोन के ऐप में से ऋणदाता का ऐप चुनें, फिर दोबारा कोशिश करें।',
  'phone.error.phone_choose_lender':
    'खाता समझ नहीं पाया कि यह ऐप किस ऋणदाता का है। ऋणदाता चुनें, फिर दोबारा कोशिश करें।',

  'phone.capture.title': 'जुड़े हुए फ़ोन से रिकॉर्ड लें (Android)',
  'phone.capture.lead':
    '“USB debugging” चालू हो और इस कंप्यूटर को अनुमति मिली हो, तो खाता फ़ोन में दर्ज ऋणदाता के ऐप का रिकॉर्ड पढ़कर फ़ाइल के रूप में रख लेता है। फ़ोन पर कुछ नहीं बदलता।',
  'phone.capture.look': 'फ़ोन ढूँढें',
  'phone.capture.lookAgain': 'फिर से ढूँढें',
  'phone.capture.looking': 'फ़ोन ढूँढा जा रहा है…',
  'phone.capture.devices': 'मिले फ़ोन',
  'phone.capture.unknownModel': 'Android फ़ोन',
  'phone.capture.state.device': 'तैयार',
  'phone.capture.state.unauthorized': 'फ़ोन पर इस कंप्यूटर को अनुमति देने का इंतज़ार',
  'phone.capture.state.offline': 'जवाब नहीं दे रहा: केबल निकालकर फिर लगाएँ',
  'phone.capture.state.no_permissions': 'इस कंप्यूटर की USB सेटिंग adb को फ़ोन खोलने नहीं देती',
  'phone.capture.state.recovery': 'रिकवरी मोड में चालू है: फ़ोन को सामान्य रूप से फिर चालू करें',
  'phone.capture.state.other': 'तैयार नहीं',
  'phone.capture.app': 'फ़ोन पर ऋणदाता का ऐप (पैकेज का नाम)',
  'phone.capture.appHelp': 'खाली छोड़ें तो खाता वही ऐप लेता है जो ऋणदाता ने बताया है।',
  'phone.capture.appDeclared': 'ऋणदाता का बताया हुआ ऐप',
  'phone.capture.lenderAuto': 'वह ऋणदाता जिसका बताया हुआ ऐप फ़ोन पर है',
  'phone.capture.start': 'जुड़े हुए फ़ोन से रिकॉर्ड लें',
  'phone.capture.progress': 'रिकॉर्ड लेने की प्रगति',
  'phone.capture.turnOff': 'फ़ोन का काम पूरा हो गया? “Developer options” में “USB debugging” फिर से बंद कर दें।',
  'phone.capture.adb_missing.title': 'इस कंप्यूटर पर adb नहीं है',
  'phone.capture.adb_missing.body':
    'खाता Android फ़ोन को adb से पढ़ता है, जो Google का मुफ़्त टूल है। Debian या Ubuntu पर इसे “sudo apt install adb” से लगाएँ। Windows या macOS पर developer.android.com से “SDK Platform-Tools” डाउनलोड करें, ज़िप फ़ाइल खोलें और उसका फ़ोल्डर “PATH” में जोड़ें। फिर से ढूँढें।',
  'phone.capture.adb_no_device.title': 'कोई फ़ोन नहीं मिला',
  'phone.capture.adb_no_device.body':
    'फ़ोन को डेटा ले जाने वाली USB केबल से जोड़ें, “USB debugging” चालू करें (ऊपर के कदम), और फ़ोन का लॉक खोलें। फिर से ढूँढें।',
  'phone.capture.adb_unauthorized.title': 'फ़ोन ने अभी इस कंप्यूटर को अनुमति नहीं दी',
  'phone.capture.adb_unauthorized.body':
    'फ़ोन का लॉक खोलें। वह पूछेगा “Allow USB debugging?”: “Allow” दबाएँ। सवाल न दिखे तो केबल निकालकर फिर लगाएँ। फिर से ढूँढें।',
  'phone.capture.adb_offline.title': 'फ़ोन जवाब नहीं दे रहा',
  'phone.capture.adb_offline.body':
    'फ़ोन की केबल निकालकर दोबारा लगाएँ और फ़ोन का लॉक खुला रखें। अगर फ़ोन रिकवरी या बूटलोडर मोड में चालू हुआ है, तो उसे सामान्य रूप से फिर चालू करें। फिर से ढूँढें।',
  'phone.capture.adb_no_permission.title': 'यह कंप्यूटर adb को फ़ोन खोलने नहीं देता',
  'phone.capture.adb_no_permission.body':
    'Linux पर adb को फ़ोन खोलने की अनुमति चाहिए: “android-sdk-platform-tools-common” पैकेज लगाएँ (इसके नियम adb को फ़ोन तक पहुँचने देते हैं), फिर फ़ोन की केबल निकालकर दोबारा लगाएँ। फिर से ढूँढें।',
  'phone.capture.adb_several_devices.title': 'एक से ज़्यादा फ़ोन जुड़े हैं',
  'phone.capture.adb_several_devices.body': 'नीचे चुनें कि कौन-सा फ़ोन पढ़ना है।',
  'phone.capture.adb_failed.title': 'फ़ोन पढ़ा नहीं जा सका',
  'phone.capture.adb_failed.body':
    'फ़ोन ने जवाब देना बंद कर दिया। उसे खुला और जुड़ा रखें, फिर दोबारा कोशिश करें। adb ने कहा: {message}',

  'phone.sources.title': 'आपके फ़ोन से आयात किया गया',
  'phone.sources.empty': 'अभी तक कुछ आयात नहीं हुआ।',
  'phone.source.hash': 'SHA-256',
  'phone.source.kind': 'प्रकार',
  'phone.source.device': 'फ़ोन',
  'phone.source.deviceUnknown': 'फ़ाइल में नहीं लिखा',
  'phone.source.deviceOs': '{platform} {version}',
  'phone.source.made': 'बनी',
  'phone.source.imported': 'आयात हुई',
  'phone.source.timeZone': 'समय क्षेत्र',
  'phone.source.timeZoneValue': '{offset}, {from}',
  'phone.source.timeZoneInFile': 'फ़ाइल में हर समय के साथ लिखा है',
  'phone.source.app': 'ऐप',
  'phone.source.lender': 'ऋणदाता',
  'phone.source.records': 'रिकॉर्ड',
  'phone.source.malformed': 'न पढ़ी जा सकीं पंक्तियाँ',
  'phone.source.covers': 'समय',
  'phone.source.limits': 'यह रिकॉर्ड क्या नहीं दिखा सकता',
  'phone.offsetFrom.inFile': 'फ़ाइल में लिखा',
  'phone.offsetFrom.device': 'फ़ोन से पढ़ा गया',
  'phone.offsetFrom.assumed': 'आयात करते समय चुना गया',
  'phone.offsetFrom.captureClock': 'रिकॉर्ड लेते समय फ़ोन की घड़ी से',
  'phone.limit.useNotContent':
    'इससे पता चलता है कि ऐप ने कोई चीज़ इस्तेमाल की और कब, यह नहीं कि उसने क्या पढ़ा या कहाँ भेजा।',
  'phone.limit.sevenDays': 'iPhone की रिपोर्ट सिर्फ़ पिछले 7 दिन की होती है।',
  'phone.limit.lastAccessOnly': 'Android हर तरह के इस्तेमाल का सिर्फ़ आख़िरी बार रखता है; पहले के इस्तेमाल इसमें नहीं हैं।',
  'phone.limit.discreteRecentOnly':
    'Android का विस्तृत इतिहास छोटा होता है (Android 12 पर एक दिन, बाद के संस्करणों में ज़्यादा) और उसमें ज़्यादातर लोकेशन, कैमरा और माइक्रोफ़ोन ही होते हैं।',
  'phone.limit.permissionsNotUse': 'अनुमति से पता चलता है कि ऐप क्या इस्तेमाल कर सकता है, यह नहीं कि उसने किया।',
  'phone.limit.offsetNotInFile': 'फ़ाइल के समय के साथ समय क्षेत्र नहीं था; उन्हें दिखाए गए क्षेत्र में पढ़ा गया।',
  'phone.limit.iosNoSmsOrCallLog': 'iPhone किसी ऐप को आपके SMS या कॉल लॉग नहीं देता, इसलिए उसकी रिपोर्ट इन्हें नहीं दिखा सकती।',
  'phone.limit.clockFromFileTime': 'फ़ाइल के समय इस कंप्यूटर पर उसके सहेजे जाने के समय से पीछे गिने गए, फ़ोन की घड़ी से नहीं।',

  'phone.observations.show': '{count, plural, one {फ़ोन ने क्या देखा: # रिकॉर्ड} other {फ़ोन ने क्या देखा: # रिकॉर्ड}}',
  'phone.observations.label': 'फ़ोन ने क्या देखा',
  'phone.observations.more': '{all} में से पहले {shown} दिखाए जा रहे हैं।',
  'phone.col.what': 'क्या',
  'phone.col.when': 'कब',
  'phone.col.often': 'कितनी बार',
  'phone.col.state': 'ऐप कहाँ था',
  'phone.when.range': '{from} से {to} तक',
  'phone.when.zone': '{offset} में पढ़ा गया',
  'phone.often': '{count, plural, one {एक बार} other {# बार}}',
  'phone.openInterval': 'रिपोर्ट सहेजते समय भी इस्तेमाल जारी था',
  'phone.profiler': 'कई ऐप में लोगों पर नज़र रखता है',
  'phone.state.foreground': 'स्क्रीन पर खुला',
  'phone.state.background': 'पीछे चलते हुए (बैकग्राउंड में)',
  'phone.state.unknown': 'दर्ज नहीं',
  'phone.kind.access': 'इस्तेमाल किया',
  'phone.kind.rejected': 'कोशिश की, फ़ोन ने रोका',
  'phone.kind.granted': 'अनुमति दी गई',
  'phone.kind.requested': 'अनुमति माँगी',
  'phone.kind.network': 'संपर्क किया',
  'phone.resource.contacts': 'संपर्क',
  'phone.resource.callLog': 'कॉल लॉग',
  'phone.resource.sms': 'SMS',
  'phone.resource.location': 'लोकेशन',
  'phone.resource.camera': 'कैमरा',
  'phone.resource.microphone': 'माइक्रोफ़ोन',
  'phone.resource.media': 'फ़ोटो और मीडिया',
  'phone.resource.files': 'फ़ाइलें',
  'phone.resource.phoneState': 'फ़ोन नंबर और पहचान',
  'phone.resource.accounts': 'फ़ोन पर खाते (अकाउंट)',
  'phone.resource.installedApps': 'लगे हुए ऐप की सूची',
  'phone.resource.screenRecording': 'स्क्रीन रिकॉर्डिंग',
  'phone.resource.network': 'इंटरनेट पता',
  'phone.platform.ios': 'iOS',
  'phone.platform.android': 'Android',
  'phone.format.ios-app-privacy-report': 'iPhone की प्राइवेसी रिपोर्ट',
  'phone.format.android-appops': 'Android पर ऐप की गतिविधि (dumpsys appops)',
  'phone.format.android-appops-cmd': 'Android पर ऐप की गतिविधि (cmd appops get)',
  'phone.format.android-discrete-history': 'Android का विस्तृत इस्तेमाल इतिहास',
  'phone.format.android-package': 'Android अनुमतियाँ (dumpsys package)',
  'phone.format.android-bugreport': 'Android की बग रिपोर्ट',
  'phone.format.android-capture': 'खाता ने फ़ोन से पढ़ा',

  'phone.qa.title': 'आज़माने के लिए: नमूना ऋणदाता की फ़ोन रिपोर्ट',
  'phone.qa.body':
    'खाता के साथ आने वाला नमूना ऋणदाता वह रिपोर्ट लिख सकता है जो उसका ऐप किसी फ़ोन पर छोड़ता, ताकि पूरी प्रक्रिया बिना फ़ोन के आज़माई जा सके। यह किसी असली फ़ोन का रिकॉर्ड नहीं है।',
  'phone.qa.format': 'प्रारूप',
  'phone.qa.format.ios': 'iPhone की प्राइवेसी रिपोर्ट',
  'phone.qa.format.android-appops': 'Android dumpsys appops',
  'phone.qa.format.android-cmd': 'Android cmd appops get',
  'phone.qa.format.android-capture': 'USB से Android कैप्चर (जैसा Khata लिखता है)',
  'phone.qa.save': 'नमूना ऋणदाता की फ़ोन रिपोर्ट सहेजें (आज़माने के लिए)',
  'phone.qa.saved': '{path} पर सहेजी गई।',
  'phone.qa.import': 'इसे आयात करें',

  'progress.phase.reading': 'फ़ाइल पढ़ी जा रही है',
  'progress.phase.storing': 'सहेजा जा रहा है',
  'progress.phase.packages': 'फ़ोन पर लगे ऐप',
  'progress.phase.properties': 'फ़ोन की जानकारी',
  'progress.phase.clock': 'फ़ोन की घड़ी और समय क्षेत्र',

  'timeline.declared': 'ऋणदाता ने बताया',
  'timeline.phone.title': 'आपके फ़ोन ने देखा',
  'timeline.phone.lead':
    '“आपके फ़ोन ने देखा” वाली पंक्तियाँ बताती हैं कि आपके फ़ोन ने ऋणदाता के ऐप को क्या करते दर्ज किया, “आपका फ़ोन” पर आयात की गई फ़ाइलों से; वहाँ जाने के लिए कोई पंक्ति चुनें।',
  'timeline.phone.detail': '{often} · {state} · {file}',

  'home.phone.alert':
    '{count, plural, one {आपके फ़ोन ने किसी ऋणदाता के ऐप को ऐसा कुछ करते देखा जिस पर जाँच में आपत्ति मिली।} other {आपके फ़ोन ने किसी ऋणदाता के ऐप को ऐसी # बातें करते देखा जिन पर जाँच में आपत्ति मिली।}}',
  'home.phone.open': 'जाँच देखें',
};

export default phoneHi;
