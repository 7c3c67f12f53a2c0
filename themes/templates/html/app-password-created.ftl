<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("appPasswordEmailIntro")}</p>
<ul>
    <li>${msg("appPasswordName")}: <strong>${appPasswordName}</strong></li>
    <li>${msg("appPasswordEmailTime")}: ${appPasswordCreatedAt}</li>
    <li>${msg("appPasswordEmailIp")}: ${appPasswordIp}</li>
    <li>${msg("appPasswordEmailClient")}: ${appPasswordClient}</li>
</ul>
<p>${msg("appPasswordEmailIfNotYou")}</p>
</@layout.emailLayout>
