<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg(appPasswordNeverUsed?then("appPasswordUnusedEmailIntroNeverUsed", "appPasswordUnusedEmailIntro"), appPasswordLastActivity, appPasswordRevokedAt)}</p>
<ul>
    <li>${msg("appPasswordName")}: <strong>${appPasswordName}</strong></li>
    <li>${msg("appPasswordEmailCreatedAt")}: ${appPasswordCreatedAt}</li>
</ul>
<p>${msg("appPasswordUnusedEmailWhatToDo")}</p>
</@layout.emailLayout>
