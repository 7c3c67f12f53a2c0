<#ftl output_format="plainText">
${msg("appPasswordEndedEmailIntro", appPasswordName)}

${msg("appPasswordName")}: ${appPasswordName}
${msg("appPasswordEndedEmailEnded")}: ${msg(appPasswordEndedReason)}<#if appPasswordEndedAt??>, ${appPasswordEndedAt}</#if>
${msg("appPasswordEndedEmailUsedAt")}: ${appPasswordUsedAt}
${msg("appPasswordEmailIp")}: ${appPasswordIp}
${msg("appPasswordEndedEmailClient")}: ${appPasswordClient}

${msg("appPasswordEndedEmailWhatToDo")}
