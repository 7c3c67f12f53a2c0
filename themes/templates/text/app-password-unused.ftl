<#ftl output_format="plainText">
${msg(appPasswordNeverUsed?then("appPasswordUnusedEmailIntroNeverUsed", "appPasswordUnusedEmailIntro"), appPasswordLastActivity, appPasswordRevokedAt)}

${msg("appPasswordName")}: ${appPasswordName}
${msg("appPasswordEmailCreatedAt")}: ${appPasswordCreatedAt}

${msg("appPasswordUnusedEmailWhatToDo")}
