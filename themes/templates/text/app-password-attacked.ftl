<#ftl output_format="plainText">
${msg("appPasswordAttackEmailIntro", appPasswordRefused)}

${msg("appPasswordAttackEmailIps")}:
<#list appPasswordIps as ip>
- ${ip}
</#list>

${msg("appPasswordAttackEmailSafe")}
