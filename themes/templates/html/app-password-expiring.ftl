<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("appPasswordExpiringEmailIntro", appPasswordExpiresAt)}</p>
<ul>
    <li>${msg("appPasswordName")}: <strong>${appPasswordName}</strong></li>
    <li>${msg("appPasswordEmailCreatedAt")}: ${appPasswordCreatedAt}</li>
    <li>${msg("appPasswordEmailExpiresAt")}: ${appPasswordExpiresAt}</li>
</ul>
<p>${msg("appPasswordExpiringEmailWhatToDo")}</p>
</@layout.emailLayout>
