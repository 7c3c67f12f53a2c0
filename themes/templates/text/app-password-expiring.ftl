<#ftl output_format="plainText">
${msg("appPasswordExpiringEmailIntro", appPasswordExpiresAt)}

${msg("appPasswordName")}: ${appPasswordName}
${msg("appPasswordEmailCreatedAt")}: ${appPasswordCreatedAt}
${msg("appPasswordEmailExpiresAt")}: ${appPasswordExpiresAt}

${msg("appPasswordExpiringEmailWhatToDo")}
