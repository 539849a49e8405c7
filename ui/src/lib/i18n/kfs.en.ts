/** English messages of the Key Fact Statement (the Offer screen's key facts, Khata's own APR
 *  beside the lender's, and the `kfs-*` audit findings), kept apart from `en.ts`; spread into
 *  it, same rules. */
const kfsEn = {
  'kfs.title': 'Key facts of the loan',
  'kfs.lead':
    'The RBI requires the lender to give you these facts before you sign. Khata checks the annual rate against the repayment schedule itself.',
  'kfs.missing':
    'The lender sent no key facts with this offer: no annual rate, fees, repayment schedule or grievance officer. The RBI requires them before you sign, so ask the lender for them.',
  'kfs.apr': 'Annual percentage rate (all-inclusive)',
  'kfs.apr.hint': 'Interest and every fee together, as a rate a year. Compare loans by this number.',
  'kfs.apr.stated': '{rate} a year, as the lender states it',
  'kfs.apr.khata': 'Khata’s own figure: {rate} a year',
  'kfs.apr.match': 'It matches the repayment schedule.',
  'kfs.apr.mismatch':
    'It does not match. The repayments and the amount you receive give {khata} a year, not the {stated} the lender states: the loan costs {direction, select, more {more} other {less}} than the lender says.',
  'kfs.apr.how':
    'How Khata worked it out: you receive {disbursed} and repay {count, plural, one {# instalment} other {# instalments}}, {repaid} in all. At {monthly} a month, those repayments are worth exactly what you receive; {monthly} × 12 = {khata} a year. This is the RBI’s method.',
  'kfs.apr.unknown':
    'Khata could not work out the annual rate: the statement has no repayments, or pays you nothing.',
  'kfs.rate': 'Interest rate',
  'kfs.rate.month': '{rate} a month ({yearly} a year)',
  'kfs.rate.year': '{rate} a year',
  'kfs.loan': 'Loan amount',
  'kfs.fees': 'Fees and charges',
  'kfs.fees.none': 'None',
  'kfs.fee.processing': 'Processing fee (with GST)',
  'kfs.fee.insurance': 'Insurance',
  'kfs.fee.documentation': 'Documentation charges',
  'kfs.fee.stamp-duty': 'Stamp duty',
  'kfs.fee.other': 'Other charges',
  'kfs.fee.value': '{amount}, {upfront, select, yes {taken from the loan before it is paid to you} other {added to the repayments}}',
  'kfs.disbursed': 'Amount you receive',
  'kfs.total': 'Total you repay',
  'kfs.coolingOff': 'Cooling-off period',
  'kfs.coolingOff.value':
    '{days, plural, one {# day} other {# days}}. Within this time you may leave the loan by repaying the amount and the interest for the days you had it, with no penalty.',
  'kfs.lender': 'Lender (regulated by the RBI)',
  'kfs.lender.value': '{name}, registration {registration}',
  'kfs.lsp': 'Lending service provider',
  'kfs.lsp.app': '{name}, app {app}',
  'kfs.grievance': 'Grievance officer',
  'kfs.schedule': 'Repayment schedule (EMI)',
  'kfs.schedule.caption': 'Each instalment, when it is due, and how much of it is principal and interest',
  'kfs.schedule.number': 'No.',
  'kfs.schedule.due': 'Due on',
  'kfs.schedule.amount': 'Instalment',
  'kfs.schedule.principal': 'Principal',
  'kfs.schedule.interest': 'Interest',
  'kfs.schedule.more': '{count, plural, one {# more instalment is} other {# more instalments are}} not shown.',
  'kfs.inconsistent': 'The figures of this statement do not add up: {checks}.',
  'kfs.check.noSchedule': 'there is no repayment schedule',
  'kfs.check.totalPayable': 'the total to repay is not the sum of the instalments',
  'kfs.check.instalmentSplit': 'an instalment is not its principal plus its interest',
  'kfs.check.principalSum': 'the principal repaid does not add up to the loan',
  'kfs.check.disbursed': 'the amount you receive is not the loan less the fees taken upfront',
  'kfs.check.loanAmount': 'the loan is not the amount of the offer',
  'audit.rule.kfs-apr-mismatch': 'The loan costs more a year than the lender’s key facts say',
  'audit.rule.kfs-inconsistent': 'The figures of the lender’s key facts do not add up',
  'audit.rule.kfs-missing': 'An approved loan came without the key facts the RBI requires',
  'audit.fact.kfsAprMismatch':
    '{lender} states an annual rate of {stated}. Its {count, plural, one {# instalment} other {# instalments}} ({repaid} in all) are worth the {disbursed} it pays out at {monthly} a month; {monthly} × 12 = {khata} a year (the RBI’s method; a difference of up to {tolerance} is allowed).',
  'audit.fact.kfsInconsistent':
    'In the key facts of {lender}’s offer, {check}{instalment, select, none {} other { (instalment {instalment})}}: the statement says {stated}, its own figures give {expected}.',
  'audit.fact.kfsMissing':
    '{lender} approved {amount} at {rate} a month with no key facts: no annual rate with fees, no repayment schedule, total to repay, cooling-off period or grievance officer.',
};

export default kfsEn;
