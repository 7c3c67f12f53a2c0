<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("appPasswordEndedEmailIntro", appPasswordName)}</p>
<ul>
    <li>${msg("appPasswordName")}: <strong>${appPasswordName}</strong></li>
    <li>${msg("appPasswordEndedEmailEnded")}: ${msg(appPasswordEndedReason)}<#if appPasswordEndedAt??>, ${appPasswordEndedAt}</#if></li>
    <li>${msg("appPasswordEndedEmailUsedAt")}: ${appPasswordUsedAt}</li>
    <li>${msg("appPasswordEmailIp")}: ${appPasswordIp}</li>
    <li>${msg("appPasswordEndedEmailClient")}: ${appPasswordClient}</li>
</ul>
<p>${msg("appPasswordEndedEmailWhatToDo")}</p>
</@layout.emailLayout>
