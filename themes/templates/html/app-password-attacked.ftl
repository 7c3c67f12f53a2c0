<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("appPasswordAttackEmailIntro", appPasswordRefused)}</p>
<p>${msg("appPasswordAttackEmailIps")}:</p>
<ul>
<#list appPasswordIps as ip>
    <li>${ip}</li>
</#list>
</ul>
<p>${msg("appPasswordAttackEmailSafe")}</p>
</@layout.emailLayout>
