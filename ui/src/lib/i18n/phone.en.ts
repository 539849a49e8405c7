/** English messages of the phone evidence (Your phone, its place in Timeline and Home), kept
 *  apart from `en.ts` so that catalogue stays readable; spread into it, same rules. */
const phoneEn = {
  'nav.phone': 'Your phone',
  'phone.title': 'Your phone',
  'phone.lead':
    'Your phone keeps its own record of which apps used your contacts, location, camera and more. Bring that record here and Khata checks it against what the lender declared.',
  'phone.guide.label': 'How to get your phone’s record',
  'phone.tab.ios': 'iPhone',
  'phone.tab.android': 'Android',
  'phone.ios.step1': 'On the iPhone, open Settings › Privacy & Security › App Privacy Report.',
  'phone.ios.step2': 'Tap “Turn On App Privacy Report”. It records from then on, so leave it on.',
  'phone.ios.step3': 'Use the lender’s app as usual. The report keeps the last 7 days.',
  'phone.ios.step4': 'Open App Privacy Report again, scroll to the bottom and tap “Save App Privacy Report”.',
  'phone.ios.step5':
    'Send the file to this computer (AirDrop, email to yourself, or a cable), then choose it below or drop it on this window.',
  'phone.ios.note':
    'The file is named like App_Privacy_Report_v4_….ndjson. It shows that and when an app used something, not what it read.',
  'phone.android.step1':
    'Open Settings › About phone and tap “Build number” seven times. This turns on Developer options.',
  'phone.android.step2': 'Open Settings › System › Developer options and turn on “USB debugging”.',
  'phone.android.step3': 'Plug the phone into this computer with a USB cable that carries data.',
  'phone.android.step4':
    'Unlock the phone. When it asks “Allow USB debugging?”, check that it is this computer and tap “Allow”.',
  'phone.android.step5': 'Press “Capture from the connected phone” below.',
  'phone.android.step6':
    'When you are done, turn “USB debugging” off again in Developer options, so no computer can reach your phone.',
  'phone.android.bugreport':
    'Without a cable: in Developer options tap “Take bug report”, send the zip file to this computer and choose it below. Saved outputs of “dumpsys appops”, “cmd appops get” or “dumpsys package” work too.',
  'phone.android.note':
    'Android keeps only the last use of each kind, and a short history of location, camera and microphone.',

  'phone.import.title': 'Import a file from your phone',
  'phone.import.choose': 'Choose a file',
  'phone.import.drop': 'or drop the file on this window',
  'phone.import.dropActive': 'Let go to read the file',
  'phone.import.surveying': 'Reading the file…',
  'phone.import.start': 'Import',
  'phone.import.another': 'Choose another file',
  'phone.import.progress': 'Import progress',
  'phone.import.done':
    '{count, plural, one {# observation} other {# observations}} of {app} imported from {file}.',
  'phone.import.already': 'This file was imported before ({file}); nothing was added.',
  'phone.import.skipped': 'Lines that could not be read, and were skipped: {lines}',
  'phone.survey.title': 'What this file holds',
  'phone.survey.file': 'File',
  'phone.survey.format': 'Kind of file',
  'phone.survey.lines': 'Lines',
  'phone.survey.covers': 'Covers',
  'phone.survey.range': '{from} to {to}',
  'phone.survey.malformed':
    '{count, plural, one {# line could not be read} other {# lines could not be read}} and will be skipped: {lines}.',
  'phone.survey.malformedMore':
    '{count, plural, one {# line could not be read} other {# lines could not be read}} and will be skipped. The first are: {lines}.',
  'phone.survey.apps': 'Which app is the lender’s?',
  'phone.survey.records': '{count, plural, one {# record} other {# records}}',
  'phone.survey.declared': 'Declared by {lender}',
  'phone.survey.noApps': 'This file holds no record of any app, so there is nothing to import from it.',
  'phone.survey.lender': 'Lender',
  'phone.survey.chooseLender': 'Choose the lender',
  'phone.survey.timeZone': 'The phone’s time zone',
  'phone.survey.timeZoneHelp':
    'This file’s times carry no time zone. Choose the zone the phone was set to (this computer’s is chosen for you). Every time from this file is shown with it.',
  'phone.survey.thisComputer': '{offset} (this computer)',

  'phone.error.phone_unknown_format':
    'Khata does not recognise this file. It reads an iPhone’s App Privacy Report (.ndjson); Android’s “dumpsys appops”, “cmd appops get” and “dumpsys package” saved as text; an Android bug report (.zip); and Khata’s own captures.',
  'phone.error.phone_needs_time_zone':
    'This file’s times have no time zone. Choose the phone’s time zone, then import again.',
  'phone.error.phone_choose_app': 'Khata could not tell which app is the lender’s. Give the app, then try again.',
  'phone.error.phone_app_not_in_file':
    'There is no record of the lender’s app here. Check the app’s name, or save a newer report after using the app.',
  'phone.error.phone_app_not_installed':
    'That app is not installed on this phone. Choose the lender’s app, or leave it empty to use the app the lender declared.',
  'phone.error.adb_choose_app':
    'Khata found no app of a connected lender on this phone. Choose the lender’s app from the phone’s apps, then try again.',
  'phone.error.phone_choose_lender':
    'Khata could not tell which lender this app belongs to. Choose the lender, then try again.',

  'phone.capture.title': 'Capture from the connected phone (Android)',
  'phone.capture.lead':
    'With USB debugging on and this computer allowed, Khata reads the phone’s record of the lender’s app and keeps it as a file. Nothing on the phone is changed.',
  'phone.capture.look': 'Look for a phone',
  'phone.capture.lookAgain': 'Look again',
  'phone.capture.looking': 'Looking for a phone…',
  'phone.capture.devices': 'Phones found',
  'phone.capture.unknownModel': 'Android phone',
  'phone.capture.state.device': 'Ready',
  'phone.capture.state.unauthorized': 'Waiting for you to allow this computer on the phone',
  'phone.capture.state.offline': 'Not answering: unplug it and plug it in again',
  'phone.capture.state.no_permissions': 'This computer’s USB settings do not let adb open it',
  'phone.capture.state.recovery': 'Started in recovery mode: restart the phone normally',
  'phone.capture.state.other': 'Not ready',
  'phone.capture.app': 'The lender’s app on the phone (package name)',
  'phone.capture.appHelp': 'Leave empty and Khata uses the app the lender declared.',
  'phone.capture.appDeclared': 'The app the lender declared',
  'phone.capture.lenderAuto': 'The lender whose declared app is on the phone',
  'phone.capture.start': 'Capture from the connected phone',
  'phone.capture.progress': 'Capture progress',
  'phone.capture.turnOff': 'Done with the phone? Turn “USB debugging” off again in Developer options.',
  'phone.capture.adb_missing.title': 'adb is not installed on this computer',
  'phone.capture.adb_missing.body':
    'Khata reads an Android phone through adb, Google’s free tool. On Debian or Ubuntu, install it with “sudo apt install adb”. On Windows or macOS, download “SDK Platform-Tools” from developer.android.com, unzip it and add its folder to your PATH. Then look again.',
  'phone.capture.adb_no_device.title': 'No phone found',
  'phone.capture.adb_no_device.body':
    'Plug the phone in with a USB cable that carries data, turn on USB debugging (the steps above), and unlock the phone. Then look again.',
  'phone.capture.adb_unauthorized.title': 'The phone has not allowed this computer yet',
  'phone.capture.adb_unauthorized.body':
    'Unlock the phone. It asks “Allow USB debugging?”: tap “Allow”. If you do not see the question, unplug the phone and plug it in again. Then look again.',
  'phone.capture.adb_offline.title': 'The phone is not answering',
  'phone.capture.adb_offline.body':
    'Unplug the phone and plug it in again, and keep it unlocked. If it started in recovery or bootloader mode, restart it normally. Then look again.',
  'phone.capture.adb_no_permission.title': 'This computer does not let adb open the phone',
  'phone.capture.adb_no_permission.body':
    'On Linux, adb needs permission to open a phone: install the “android-sdk-platform-tools-common” package (its rules let adb reach phones), then unplug the phone and plug it in again. Then look again.',
  'phone.capture.adb_several_devices.title': 'More than one phone is connected',
  'phone.capture.adb_several_devices.body': 'Choose below which phone to read.',
  'phone.capture.adb_failed.title': 'Reading the phone did not work',
  'phone.capture.adb_failed.body':
    'The phone stopped answering. Keep it unlocked and plugged in, then try again. What adb said: {message}',

  'phone.sources.title': 'Imported from your phone',
  'phone.sources.empty': 'Nothing imported yet.',
  'phone.source.hash': 'SHA-256',
  'phone.source.kind': 'Kind',
  'phone.source.device': 'Phone',
  'phone.source.deviceUnknown': 'Not named in the file',
  'phone.source.deviceOs': '{platform} {version}',
  'phone.source.made': 'Made',
  'phone.source.imported': 'Imported',
  'phone.source.timeZone': 'Time zone',
  'phone.source.timeZoneValue': '{offset}, {from}',
  'phone.source.timeZoneInFile': 'Given with each time in the file',
  'phone.source.app': 'App',
  'phone.source.lender': 'Lender',
  'phone.source.records': 'Records',
  'phone.source.malformed': 'Lines not read',
  'phone.source.covers': 'Covers',
  'phone.source.limits': 'What this source cannot show',
  'phone.offsetFrom.inFile': 'given in the file',
  'phone.offsetFrom.device': 'read from the phone',
  'phone.offsetFrom.assumed': 'chosen when importing',
  'phone.offsetFrom.captureClock': 'from the phone’s clock at capture',
  'phone.limit.useNotContent':
    'It shows that and when the app used something, not what it read or where it sent it.',
  'phone.limit.sevenDays': 'An iPhone’s report covers only the last 7 days.',
  'phone.limit.lastAccessOnly': 'Android keeps only the last use of each kind; earlier uses are not listed.',
  'phone.limit.discreteRecentOnly':
    'Android’s detailed history is short (a day on Android 12, longer later) and covers mainly location, camera and microphone.',
  'phone.limit.permissionsNotUse': 'A permission shows what the app may use, not that it used it.',
  'phone.limit.offsetNotInFile': 'The file’s times have no time zone; they were read in the zone shown.',
  'phone.limit.iosNoSmsOrCallLog': 'An iPhone gives no app your SMS or call log, so its report cannot show them.',
  'phone.limit.clockFromFileTime': 'The file’s times were counted back from when it was saved on this computer, not from the phone’s clock.',

  'phone.observations.show': '{count, plural, one {What the phone saw: # observation} other {What the phone saw: # observations}}',
  'phone.observations.label': 'What the phone saw',
  'phone.observations.more': 'Showing the first {shown} of {all}.',
  'phone.col.what': 'What',
  'phone.col.when': 'When',
  'phone.col.often': 'How often',
  'phone.col.state': 'The app was',
  'phone.when.range': '{from} to {to}',
  'phone.when.zone': 'read in {offset}',
  'phone.often': '{count, plural, one {once} other {# times}}',
  'phone.openInterval': 'still in use when the report was saved',
  'phone.profiler': 'Tracks people across apps',
  'phone.state.foreground': 'Open on screen',
  'phone.state.background': 'In the background',
  'phone.state.unknown': 'Not recorded',
  'phone.kind.access': 'Used',
  'phone.kind.rejected': 'Tried, refused by the phone',
  'phone.kind.granted': 'Permission given',
  'phone.kind.requested': 'Permission asked for',
  'phone.kind.network': 'Contacted',
  'phone.resource.contacts': 'Contacts',
  'phone.resource.callLog': 'Call log',
  'phone.resource.sms': 'SMS',
  'phone.resource.location': 'Location',
  'phone.resource.camera': 'Camera',
  'phone.resource.microphone': 'Microphone',
  'phone.resource.media': 'Photos and media',
  'phone.resource.files': 'Files',
  'phone.resource.phoneState': 'Phone number and identity',
  'phone.resource.accounts': 'Accounts on the phone',
  'phone.resource.installedApps': 'List of installed apps',
  'phone.resource.screenRecording': 'Screen recording',
  'phone.resource.network': 'Internet address',
  'phone.platform.ios': 'iOS',
  'phone.platform.android': 'Android',
  'phone.format.ios-app-privacy-report': 'iPhone App Privacy Report',
  'phone.format.android-appops': 'Android app activity (dumpsys appops)',
  'phone.format.android-appops-cmd': 'Android app activity (cmd appops get)',
  'phone.format.android-discrete-history': 'Android detailed access history',
  'phone.format.android-package': 'Android permissions (dumpsys package)',
  'phone.format.android-bugreport': 'Android bug report',
  'phone.format.android-capture': 'Read from the phone by Khata',

  'phone.qa.title': 'For testing: the sandbox’s phone report',
  'phone.qa.body':
    'The built-in sandbox lender can write the report its app would leave on a phone, so the whole flow can be tried without a phone. It is not a real phone’s record.',
  'phone.qa.format': 'Format',
  'phone.qa.format.ios': 'iPhone App Privacy Report',
  'phone.qa.format.android-appops': 'Android dumpsys appops',
  'phone.qa.format.android-cmd': 'Android cmd appops get',
  'phone.qa.format.android-capture': 'Android capture over USB (as Khata writes it)',
  'phone.qa.save': 'Save the sandbox’s phone report (for testing)',
  'phone.qa.saved': 'Saved to {path}.',
  'phone.qa.import': 'Import it',

  'progress.phase.reading': 'Reading the file',
  'progress.phase.storing': 'Saving',
  'progress.phase.packages': 'Apps on the phone',
  'progress.phase.properties': 'About the phone',
  'progress.phase.clock': 'The phone’s clock and time zone',

  'timeline.declared': 'Declared by the lender',
  'timeline.phone.title': 'Seen by your phone',
  'timeline.phone.lead':
    'Rows marked “Seen by your phone” are what your phone recorded the lender’s app doing, from the files imported on Your phone; select one to go there.',
  'timeline.phone.detail': '{often} · {state} · {file}',

  'home.phone.alert':
    '{count, plural, one {Your phone saw a lender’s app do something the audit flags.} other {Your phone saw a lender’s app do # things the audit flags.}}',
  'home.phone.open': 'See the audit',
} as const;

export default phoneEn;
