<#import "template.ftl" as layout>
<#-- Values (name, time, IP, client) are isolated with <bdi>, so a Latin name or an IP address beside a
     right-to-left label (Arabic, Persian) keeps its own order. -->
<@layout.emailLayout>
<p>${msg("appPasswordEmailIntro")}</p>
<ul>
    <li>${msg("appPasswordName")}: <strong><bdi>${appPasswordName}</bdi></strong></li>
    <li>${msg("appPasswordEmailTime")}: <bdi>${appPasswordCreatedAt}</bdi></li>
    <li>${msg("appPasswordEmailIp")}: <bdi>${appPasswordIp}</bdi></li>
    <li>${msg("appPasswordEmailClient")}: <bdi>${appPasswordClient}</bdi></li>
</ul>
<p>${msg("appPasswordEmailIfNotYou")}</p>
</@layout.emailLayout>
